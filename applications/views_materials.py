"""The materials page of an application: required slots, extra materials, upload, delete, download.

Every URL first resolves the application through `application_for`, so anyone who may not see it
gets a 404 whatever they ask for; changes further need `can_edit_application`.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.audit.models import AuditAction
from portal.audit.services import record_access

from . import materials as services
from . import services as filing
from .forms import MaterialUploadForm
from .models import Material
from .navigation import nav_links
from .permissions import can_edit_application
from .selectors import application_for


@dataclass(frozen=True)
class SlotRow:
    requirement: object
    material: Material | None
    form: MaterialUploadForm | None  # the failed upload to show at this slot


def _materials_url(application, anchor: str = "") -> str:
    url = reverse("applications:materials", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _refuse(request, application):
    """POSTs on a read-only application: 403, with the page and the reason."""
    if not application.is_editable:
        messages.error(request, _("申报已提交或不在可修改状态，材料不能上传或删除。"))
    else:
        messages.error(request, _("只有申报人本人可以上传或删除材料。"))
    return _render(request, application, status=403)


def _render(request, application, *, failed: MaterialUploadForm | None = None, status: int = 200):
    overview = services.materials_overview(application)
    failed_requirement = failed.cleaned_data.get("requirement") if failed is not None else None
    slots = [
        SlotRow(
            requirement, material, failed if failed_requirement and failed_requirement.pk == requirement.pk else None
        )
        for requirement, material in overview.slots
    ]
    # The navigation marks every unfinished section, as on the other pages of the application.
    missing_keys = {m.key for m in filing.completeness(application)} if application.is_editable else set()
    extra_form = failed if failed is not None and failed_requirement is None else MaterialUploadForm()
    context = {
        "application": application,
        "nav": nav_links(application, missing_keys=missing_keys),
        "current": "materials",
        "slots": slots,
        "extras": overview.extras,
        "missing": overview.missing,
        "extra_form": extra_form,
        "can_edit": can_edit_application(request.user, application),
        "accept": services.ACCEPT,
        "limit": services.limit_label(),
    }
    return render(request, "applications/materials.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def materials(request, pk):
    application = application_for(request.user, pk)
    if request.method == "GET":
        return _render(request, application)
    if not can_edit_application(request.user, application):
        return _refuse(request, application)

    form = MaterialUploadForm(request.POST, request.FILES, requirements=services.required_materials(application))
    if not form.is_valid() and "requirement" in form.errors:
        return HttpResponseBadRequest()  # a tampered slot id: no slot to show the error at
    if form.is_valid():
        requirement = form.cleaned_data["requirement"]
        try:
            material = services.material_upload(
                application=application,
                user=request.user,
                upload=form.cleaned_data["file"],
                requirement=requirement,
                name=form.cleaned_data["name"],
            )
        except PermissionDenied:
            application = application_for(request.user, pk)  # state changed meanwhile
            return _refuse(request, application)
        except ValidationError as error:
            errors = error.message_dict.items() if hasattr(error, "error_dict") else [("file", error.messages)]
            for field, field_errors in errors:
                form.add_error(field if field in form.fields else "file", field_errors)
        else:
            messages.success(request, _("已上传：%(name)s") % {"name": material.display_name})
            anchor = f"slot-{requirement.pk}" if requirement else "extras"
            return HttpResponseRedirect(_materials_url(application, anchor))
    return _render(request, application, failed=form)


@login_required
@require_POST
def material_delete(request, pk, material_pk):
    application = application_for(request.user, pk)
    material = get_object_or_404(Material, pk=material_pk, application=application)
    if not can_edit_application(request.user, application):
        return _refuse(request, application)
    try:
        services.material_delete(application=application, user=request.user, material=material)
    except PermissionDenied:
        application = application_for(request.user, pk)  # state changed meanwhile
        return _refuse(request, application)
    messages.success(request, _("已删除：%(name)s") % {"name": material.display_name})
    anchor = f"slot-{material.requirement_id}" if material.requirement_id else "extras"
    return HttpResponseRedirect(_materials_url(application, anchor))


@never_cache
@login_required
@require_GET
def material_download(request, pk, material_pk):
    application = application_for(request.user, pk)
    material = get_object_or_404(Material, pk=material_pk, application=application)
    # Streamed through this view on every storage: S3/minio endpoints often sit on an internal
    # network the browser cannot reach, and the permission check stays in one place.
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as error:
        services.logger.error("stored material missing: %s (material %s)", material.file.name, material.pk)
        raise Http404 from error
    record_access(
        viewer=request.user, action=AuditAction.DOWNLOAD_MATERIAL, subject=application.applicant, obj=material
    )
    return FileResponse(handle, as_attachment=True, filename=material.display_name, content_type=material.content_type)
