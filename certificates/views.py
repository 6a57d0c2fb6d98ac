"""Certificate and document pages. Thin: parse, ask permissions/selectors, call one service, render.
Files are streamed after a permission check, never served by URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Application
from applications.selectors import application_for
from portal.audit.models import AuditAction
from portal.audit.services import record_access
from portal.catalog.models import Committee
from portal.core.spreadsheets import xlsx_response
from portal.organizations.models import Organization, OrgKind
from portal.organizations.permissions import is_admin

from . import exports, ratelimit, selectors, services
from .forms import DepartmentDocumentForm, HandoverBatchForm, HandoverForm, VerifyForm
from .models import DocumentKind, JobStatus
from .permissions import (
    can_manage_certificate,
    can_print_cover,
    can_see_document_jobs,
    department_memberships,
    window_memberships,
)


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# --- public verification -----------------------------------------------------------------------


def verify(request):
    """网上可查: number + holder name → valid or void; a plain "not found" otherwise."""
    form = VerifyForm(request.POST or None)
    context = {"form": form, "searched": False, "certificate": None}
    if request.method == "POST":
        if not ratelimit.hit(request):
            return render(request, "certificates/verify.html", {**context, "limited": True}, status=429)
        if form.is_valid():
            context["searched"] = True
            context["certificate"] = selectors.verify_lookup(
                number=form.cleaned_data["number"], name=form.cleaned_data["name"]
            )
    return render(request, "certificates/verify.html", context)


def verify_token(request, token):
    """The QR code's link: the token alone identifies the certificate (and cannot be guessed, so
    its limit is counted apart from typed-in queries)."""
    if not ratelimit.hit(request, scope="token"):
        return render(request, "certificates/verify.html", {"form": VerifyForm(), "limited": True}, status=429)
    certificate = selectors.verify_by_token(token)
    return render(
        request,
        "certificates/verify.html",
        {"form": VerifyForm(), "searched": True, "certificate": certificate, "by_token": True},
        status=200 if certificate else 404,
    )


# --- printing and hand-over at the window ------------------------------------------------------


def _field_errors(error: ValidationError, default_field: str) -> dict[str, list[str]]:
    """A service's refusal as {field: [messages]}, to show each message at the field it concerns."""
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for m in ValidationError(messages).messages] for field, messages in error.error_dict.items()
        }
    return {default_field: _errors(error)}


@login_required
def print_queue(request):
    if not window_memberships(request.user):
        raise Http404
    reason = request.POST.get("reason", "")
    errors = {}
    if request.method == "POST":
        try:
            job = services.print_batch_request(
                user=request.user, application_ids=request.POST.getlist("application"), reason=reason
            )
        except PermissionDenied:
            # Not found and not ours look the same: no hint which applications exist elsewhere.
            errors = {"application": [_("所选申报中有不存在或不在本窗口服务范围内的，未提交打印。")]}
        except ValidationError as error:
            errors = _field_errors(error, "application")
        else:
            messages.success(request, _("已提交打印 %(n)d 张证书。") % {"n": job.total})
            return redirect("certificates:job", pk=job.pk)
    selected = set(request.POST.getlist("application")) if request.method == "POST" else set()
    return _print_page(
        request, reason=reason, errors=errors, selected=selected, status=400 if request.method == "POST" else 200
    )


def _print_page(request, *, reason="", errors=None, selected=(), handover_form=None, status=200):
    waiting = Paginator(selectors.awaiting_print(request.user), 200).get_page(request.GET.get("page"))
    form = handover_form or HandoverBatchForm()
    handover = list(selectors.awaiting_handover(request.user)[:200])
    # What was typed in each row's tracking number stays there when the page comes back.
    for application in handover:
        application.tracking_typed = (
            form.data.get(f"tracking-{application.certificate.pk}", "") if form.is_bound else ""
        )
    return render(
        request,
        "certificates/print_queue.html",
        {
            "waiting": waiting,
            "handover": handover,
            "reason": reason,
            "errors": errors or {},
            "selected": selected,
            "handover_form": form,
            "handover_selected": set(form.data.getlist("certificate")) if form.is_bound else set(),
        },
        status=status,
    )


@login_required
@require_POST
def handover_batch(request):
    """批量发放: the ticked printed certificates, each recorded singly; what was typed stays on the
    page when anything is refused."""
    if not window_memberships(request.user):
        raise Http404
    form = HandoverBatchForm(request.POST)
    if not form.is_valid():
        return _print_page(request, handover_form=form, status=400)
    ids = form.certificate_ids()
    if not ids:
        form.add_error(None, _("请勾选要发放的证书。"))
        return _print_page(request, handover_form=form, status=400)
    bad = form.bad_tracking_numbers()
    try:
        done, refused = services.handover_batch(
            certificate_ids=[pk for pk in ids if pk not in bad],
            user=request.user,
            collected_by=form.cleaned_data["collected_by"],
            collector_id_number=form.cleaned_data["collector_id_number"],
            carrier=form.cleaned_data["carrier"],
            tracking_numbers=form.tracking_numbers(),
        )
    except ValidationError as error:
        form.add_error(None, " ".join(error.messages))
        return _print_page(request, handover_form=form, status=400)
    if done:
        messages.success(request, _("已登记发放 %(n)d 张证书。") % {"n": len(done)})
    problems = [
        _("%(number)s：%(reason)s") % {"number": certificate.number, "reason": reason}
        for certificate, reason in refused
    ]
    problems += [
        _("%(number)s：快递单号应为6至40位字母或数字。") % {"number": certificate.number}
        for certificate in selectors.certificates_for_window(request.user, bad)
    ]
    if problems:
        for problem in problems:
            form.add_error(None, problem)
        return _print_page(request, handover_form=form, status=400)
    return redirect("certificates:print_queue")


@login_required
def print_queue_export(request, which):
    """One of the print page's two lists, as xlsx."""
    if not window_memberships(request.user) or which not in exports.LISTS:
        raise Http404
    title = str(exports.LISTS[which][0])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(title, exports.headers(), exports.rows(request.user, which), filename=f"{title}-{stamp}.xlsx")


@login_required
@require_POST
def issue_now(request, application_pk):
    try:
        job = services.certificate_job_request(application_id=application_pk, user=request.user)
    except (PermissionDenied, Application.DoesNotExist) as error:
        raise Http404 from error
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        # Admins have no print queue of their own: they come from (and go back to) the job list.
        return redirect("certificates:print_queue" if window_memberships(request.user) else "certificates:jobs")
    return redirect("certificates:job", pk=job.pk)


def _certificate_page(request, certificate, *, handover_form=None, status=200):
    manage = can_manage_certificate(request.user, certificate)
    if manage and handover_form is None:
        handover_form = HandoverForm(
            initial={"collected_by": certificate.holder_name}, express=certificate.application.wants_express
        )
    return render(
        request,
        "certificates/detail.html",
        {
            "c": certificate,
            "chain": selectors.certificate_chain(certificate),
            "logs": selectors.print_logs(certificate),
            "handover": selectors.handover_of(certificate),
            "job": selectors.certificate_job(certificate),
            "can_manage": manage,
            "handover_form": handover_form if manage else None,
            "is_staff_view": manage or request.user.pk != certificate.holder_id,
        },
        status=status,
    )


@login_required
def certificate_detail(request, pk):
    return _certificate_page(request, selectors.certificate_for(request.user, pk))


@login_required
def certificate_pdf(request, pk):
    certificate = selectors.certificate_for(request.user, pk)
    job = selectors.certificate_job(certificate)
    if job is None or job.status != JobStatus.DONE:
        if job is None:
            raise Http404
        return redirect("certificates:job", pk=job.pk)
    record_access(
        viewer=request.user, action=AuditAction.DOWNLOAD_CERTIFICATE, subject=certificate.holder, obj=certificate
    )
    return _stream(job)


@login_required
@require_POST
def handover(request, pk):
    certificate = selectors.certificate_for(request.user, pk)
    if not can_manage_certificate(request.user, certificate):
        raise Http404
    form = HandoverForm(request.POST, express=certificate.application.wants_express)
    if form.is_valid():
        try:
            services.handover_record(certificate_id=certificate.pk, user=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            for field, errors in _field_errors(error, NON_FIELD_ERRORS).items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("已登记证书发放。"))
            return redirect("certificates:detail", pk=certificate.pk)
    # The page again, with what was typed and each message at its field; nothing was saved.
    return _certificate_page(request, certificate, handover_form=form, status=400)


# --- document jobs -----------------------------------------------------------------------------


@login_required
def job_list(request):
    if not can_see_document_jobs(request.user):
        raise Http404
    jobs = selectors.jobs_for(request.user)
    status = request.GET.get("status", "")
    if status in JobStatus.values:
        jobs = jobs.filter(status=status)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(request, "certificates/jobs.html", {"page": page, "status": status, "statuses": JobStatus.choices})


@login_required
def job_detail(request, pk):
    job = selectors.job_for(request.user, pk)
    return render(request, "certificates/job.html", {"job": job})


@login_required
def job_status(request, pk):
    """The htmx fragment the job page polls until the document is ready (or failed)."""
    job = selectors.job_for(request.user, pk)
    return render(request, "certificates/partials/job_status.html", {"job": job})


@login_required
def job_download(request, pk):
    job = selectors.job_for(request.user, pk)
    if job.status != JobStatus.DONE or not job.file:
        return redirect("certificates:job", pk=job.pk)
    subject = job.application.applicant if job.application_id else None
    record_access(viewer=request.user, action=AuditAction.DOWNLOAD_DOCUMENT, subject=subject, obj=job)
    return _stream(job)


@login_required
@require_POST
def job_retry(request, pk):
    job = selectors.job_for(request.user, pk)
    try:
        services.job_retry(job_id=job.pk, user=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("已重新提交生成。"))
    if request.POST.get("next") == "list":
        return redirect("certificates:jobs")
    return redirect("certificates:job", pk=job.pk)


def _stream(job):
    try:
        handle = default_storage.open(job.file.name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    pdf = job.filename.endswith(".pdf")
    return FileResponse(handle, as_attachment=not pdf, filename=job.filename or None)


# --- documents of an application ---------------------------------------------------------------


def _document_request_page(request, application, *, title: str, action_url: str):
    """A GET of a document that was never asked for: say so and offer the button (a GET never
    starts work)."""
    return render(
        request,
        "certificates/document_request.html",
        {"application": application, "title": title, "action_url": action_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_receipt(request, pk):
    application = application_for(request.user, pk)
    if not application.acceptance_number:
        raise Http404
    if request.method == "GET":
        job = selectors.receipt_job_of(application)
        if job is None:
            return _document_request_page(request, application, title=_("受理凭证"), action_url=request.path)
        # The intake page's print button: the finished PDF itself, opened in the browser to print.
        if request.GET.get("print") and job.status == JobStatus.DONE:
            return redirect("certificates:job_download", pk=job.pk)
        return redirect("certificates:job", pk=job.pk)
    try:
        job = services.receipt_job_request(application=application)
    except ValidationError as error:
        raise Http404 from error
    return redirect("certificates:job", pk=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_cover(request, pk):
    """档案封面 of an accepted file, for the window in scope: GET shows the finished PDF (or the
    job's page, or the button when nobody asked yet); POST asks for it and opens it when ready."""
    application = application_for(request.user, pk)
    if not can_print_cover(request.user, application):
        raise Http404
    if request.method == "GET":
        job = selectors.cover_job_of(application)
        if job is None:
            return _document_request_page(request, application, title=_("档案封面"), action_url=request.path)
    else:
        try:
            job = services.cover_job_request(application_id=application.pk, user=request.user)
        except PermissionDenied as error:
            raise Http404 from error
        job.refresh_from_db()
    if job.status == JobStatus.DONE:
        return redirect("certificates:job_download", pk=job.pk)
    return redirect("certificates:job", pk=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_form(request, pk):
    application = application_for(request.user, pk)
    if not application.filed_content:
        raise Http404
    if request.method == "GET":
        job = selectors.form_job_of(application)
        if job is None:
            return _document_request_page(request, application, title=_("申报信息一览表"), action_url=request.path)
        return redirect("certificates:job", pk=job.pk)
    job = services.form_job_ensure(application=application, user=request.user)
    return redirect("certificates:job", pk=job.pk)


# --- department documents ----------------------------------------------------------------------


@login_required
def department_documents(request):
    if is_admin(request.user):
        departments = Organization.objects.filter(kind=OrgKind.DEPARTMENT)
    else:
        ids = [m.organization_id for m in department_memberships(request.user)]
        if not ids:
            raise Http404
        departments = Organization.objects.filter(pk__in=ids)
    form = DepartmentDocumentForm(
        request.POST or None,
        departments=departments.order_by("name"),
        committees=Committee.objects.filter(is_active=True),
    )
    if request.method == "POST" and form.is_valid():
        kind = request.POST.get("kind")
        try:
            job = services.department_job_create(
                user=request.user,
                kind=kind if kind in (DocumentKind.ROSTER, DocumentKind.COMMISSION) else "",
                department=form.cleaned_data["department"],
                year=form.cleaned_data["year"],
                committee=form.cleaned_data["committee"],
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            for field, errors in _field_errors(error, NON_FIELD_ERRORS).items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("certificates:job", pk=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "certificates/department_documents.html", {"form": form}, status=status)


# --- committee session documents ---------------------------------------------------------------


@login_required
@require_POST
def session_document(request, pk, kind):
    """The session page's buttons (评审会议文书): the office asks, the job's page follows it."""
    try:
        job = services.session_document_request(session_id=pk, kind=kind, user=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("reviews:session", pk=pk)
    return redirect("certificates:job", pk=job.pk)
