"""The committee office's expert pool pages: list, add, retire or suspend, import, export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.forms import add_validation_errors
from portal.core.identity import mask_mobile

from . import experts, offices
from .forms_experts import ExpertForm, ExpertImportForm, ExpertStatusForm
from .models import Expert, ExpertStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _office_or_404(user) -> None:
    if not offices.is_office(user):
        raise Http404


def _organizer(request) -> str:
    names = offices.pools_of(request.user)
    chosen = request.POST.get("organizer") or request.GET.get("organizer") or ""
    if chosen in names:
        return chosen
    # Without a choice, the first pool that has experts, so the page opens on work.
    kept = set(Expert.objects.filter(organizer__in=names).values_list("organizer", flat=True).distinct())
    return next((name for name in names if name in kept), names[0] if names else "")


def _page(request, organizer, *, form=None, import_form=None, import_errors=(), status=200):
    rows = [(expert, mask_mobile(expert.mobile)) for expert in experts.experts_of_pool(organizer)]
    return render(
        request,
        "reviews/experts.html",
        {
            "organizer": organizer,
            "organizers": offices.pools_of(request.user),
            "rows": rows,
            "form": form or ExpertForm(),
            "import_form": import_form or ExpertImportForm(),
            "import_errors": import_errors,
            "statuses": ExpertStatus,
        },
        status=status,
    )


def _back(organizer):
    return redirect(f"{reverse('reviews:experts')}?organizer={organizer}")


@login_required
def pool(request):
    _office_or_404(request.user)
    return _page(request, _organizer(request))


@login_required
@require_POST
def add(request):
    _office_or_404(request.user)
    organizer = _organizer(request)
    form = ExpertForm(request.POST)
    if form.is_valid():
        try:
            expert = experts.expert_add(organizer=organizer, row=form.row(), by=request.user)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("已将%(name)s加入专家库。") % {"name": expert.user.real_name})
            return _back(organizer)
    return _page(request, organizer, form=form, status=400)


@login_required
@require_POST
def set_status(request, pk):
    _office_or_404(request.user)
    form = ExpertStatusForm(request.POST)
    expert = experts.experts_of_pool(_organizer(request)).filter(pk=pk).first()
    if expert is None:
        raise Http404
    if form.is_valid():
        expert = experts.expert_set_status(expert_id=expert.pk, status=form.cleaned_data["status"], by=request.user)
        messages.success(
            request,
            _("%(name)s：%(status)s。") % {"name": expert.user.real_name, "status": expert.get_status_display()},
        )
    return _back(expert.organizer)


@login_required
@require_POST
def import_sheet(request):
    _office_or_404(request.user)
    organizer = _organizer(request)
    form = ExpertImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, organizer, import_form=form, status=400)
    try:
        created, errors = experts.experts_import(
            organizer=organizer, data=form.cleaned_data["file"].read(), by=request.user
        )
    except ValidationError as error:
        add_validation_errors(form, error)
        return _page(request, organizer, import_form=form, status=400)
    if errors:
        messages.error(request, _("有%(n)d行不符合要求，未导入任何专家。请修改后重新导入。") % {"n": len(errors)})
        return _page(request, organizer, import_errors=errors, status=400)
    messages.success(request, _("已导入%(n)d名专家。") % {"n": created})
    return _back(organizer)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export(request):
    _office_or_404(request.user)
    return _xlsx(experts.experts_export(_organizer(request)), "experts.xlsx")


@login_required
def template(request):
    _office_or_404(request.user)
    return _xlsx(experts.import_template(), "experts-template.xlsx")
