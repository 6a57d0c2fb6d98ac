"""Writes for certificates and documents: issue a certificate (numbered, once per application),
void the old one on a reissue, ask for documents (each a DocumentJob rendered by a task), run a
job idempotently, print at the window, record the hand-over."""

import datetime
import logging
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.ids import parse_application_ids
from applications.labels import applicant_label
from applications.models import Application, State
from portal.catalog.stages import Stage
from portal.notifications.services import in_site_language, notify
from portal.organizations.models import Organization, OrgKind
from portal.organizations.permissions import is_admin

from .jobkeys import certificate_key, form_key, receipt_key
from .models import (
    Certificate,
    CertificateCounter,
    DocumentJob,
    DocumentKind,
    Handover,
    HandoverMethod,
    JobStatus,
    PrintLog,
)
from .permissions import can_manage_certificate, can_retry_job, department_memberships, print_membership

logger = logging.getLogger("portal.certificates")


class CertificateRefused(Exception):
    """The certificate cannot be made (e.g. the application is not approved). Not worth retrying."""


# --- certificates ------------------------------------------------------------------------------


def issuing_authority_for(application: Application) -> Organization:
    """The talent bureau nearest above the applicant's unit in the region hierarchy."""
    chain, region = [], application.unit.region
    while region is not None and region.pk not in chain:
        chain.append(region.pk)
        region = region.parent
    bureaus = {b.region_id: b for b in Organization.objects.filter(kind=OrgKind.BUREAU, region_id__in=chain)}
    for region_id in chain:
        if region_id in bureaus:
            return bureaus[region_id]
    raise CertificateRefused(_("找不到该申报所在地区的发证机关（人才主管部门）。"))


def certificate_number(authority: Organization, *, year: int, serial: int, application: Application) -> str:
    """Format from CERTIFICATE_NUMBER_FORMATS (keyed by the authority's region code or name), else
    CERTIFICATE_NUMBER_FORMAT. Fields: {year} {serial} (= {number}) {region_code} {authority} {level}."""
    region_code = authority.region.code or f"{authority.pk:06d}"
    formats = settings.CERTIFICATE_NUMBER_FORMATS
    pattern = formats.get(region_code) or formats.get(authority.name) or settings.CERTIFICATE_NUMBER_FORMAT
    return pattern.format(
        year=year,
        serial=serial,
        number=serial,
        region_code=region_code,
        authority=authority.pk,
        level=application.level.rank,
    )


def _next_serial(authority: Organization, year: int) -> int:
    """Gap-free per authority and year: the counter row stays locked until the certificate commits."""
    CertificateCounter.objects.get_or_create(authority=authority, year=year)
    counter = CertificateCounter.objects.select_for_update().get(authority=authority, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _certificate_to_replace(application: Application) -> Certificate | None:
    """For a reissue: the holder's valid certificate named in the filing (证书编号 of the current
    title), else the one with the same title, else the same series and level."""
    valid = (
        Certificate.objects.select_for_update()
        .filter(holder_id=application.applicant_id, is_void=False)
        .exclude(application=application)
        .order_by("-created_at", "-id")
    )
    named = str(((application.filed_content or {}).get("current_title") or {}).get("证书编号") or "").strip()
    candidates = [Q(number=named)] if named else []
    candidates += [
        Q(title_id=application.title_id),
        Q(series_name=application.series.name, level_name=application.level.name),
    ]
    for query in candidates:
        if found := valid.filter(query).first():
            return found
    return None


def certificate_issue(*, application_id: int) -> Certificate:
    """The certificate of an approved application, made on first call and returned thereafter:
    the application row is locked and the certificate is unique per application, so however often
    the job runs there is one certificate, and a number is used only when its certificate commits."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant", "unit", "unit__region", "item", "series", "level", "title", "committee")
            .get(pk=application_id)
        )
        existing = Certificate.objects.filter(application=application).first()
        if existing is not None:
            return existing
        if application.state != State.APPROVED:
            raise CertificateRefused(
                _("申报当前状态为“%(s)s”，审批通过后才能制作证书。") % {"s": application.get_state_display()}
            )
        if Stage.BUREAU_APPROVAL not in (application.route or []):
            # A route configured without the approving authority cannot end in a certificate.
            raise CertificateRefused(_("该申报的办理环节中没有人才主管部门审核批准，不能制作证书。"))
        authority = issuing_authority_for(application)
        today = timezone.localdate()
        serial = _next_serial(authority, today.year)
        old = None
        if application.item.code == settings.CERTIFICATE_REISSUE_ITEM:
            old = _certificate_to_replace(application)
        user = application.applicant
        fields = {
            "series_name": application.series.name,
            "title": application.title,
            "title_name": application.title.name,
            "level_name": application.level.name,
            "obtained_by": application.item.obtained_by,
            "approved_on": timezone.localdate(application.decided_at) if application.decided_at else today,
            "committee": application.committee,
            "committee_name": application.committee.name if application.committee else "",
        }
        if old is not None:
            # A reissue restates the qualification the old certificate proved; only the paper is new.
            fields = {
                key: getattr(old, key)
                for key in ("series_name", "title", "title_name", "level_name", "obtained_by", "approved_on")
            } | {"committee": old.committee, "committee_name": old.committee_name}
        certificate = Certificate.objects.create(
            number=certificate_number(authority, year=today.year, serial=serial, application=application),
            year=today.year,
            serial=serial,
            application=application,
            holder=user,
            holder_name=user.real_name,
            id_number=user.id_number,
            issued_on=today,
            authority=authority,
            authority_name=authority.name,
            **fields,
        )
        if old is not None:
            old.is_void = True
            old.voided_at = timezone.now()
            old.void_reason = _("已补（换）发新证书 %(new)s（补换发申报受理号：%(acc)s），原证书作废。") % {
                "new": certificate.number,
                "acc": application.acceptance_number or application.pk,
            }
            old.replaced_by = certificate
            old.save(update_fields=["is_void", "voided_at", "void_reason", "replaced_by"])
            logger.info("certificate %s voided, replaced by %s", old.number, certificate.number)
        return certificate


# --- document jobs -----------------------------------------------------------------------------


def _enqueue(job: DocumentJob) -> None:
    # Imported here because tasks.py imports this module (it runs the jobs these functions queue).
    from .tasks import render_document

    transaction.on_commit(lambda: render_document.delay(job.pk), robust=True)


def _ensure_job(*, key: str, **fields) -> tuple[DocumentJob, bool]:
    job, created = DocumentJob.objects.get_or_create(key=key, defaults=fields)
    return job, created


def certificate_job_ensure(*, application_id: int) -> DocumentJob:
    """The one job that issues and renders the certificate of this application."""
    job, _created = _ensure_job(
        key=certificate_key(application_id), kind=DocumentKind.CERTIFICATE, application_id=application_id
    )
    return job


def receipt_job_ensure(*, application_id: int) -> DocumentJob:
    job, _created = _ensure_job(
        key=receipt_key(application_id), kind=DocumentKind.RECEIPT, application_id=application_id
    )
    return job


def form_job_ensure(*, application: Application, user) -> DocumentJob:
    """The form as filed now: a new job when the filed content, the acceptance number (printed in
    its header) or the approval changed (so the preview stamp disappears once approved), else the
    existing one."""
    key, final = form_key(application)
    with transaction.atomic():
        job, created = _ensure_job(
            key=key,
            kind=DocumentKind.FORM,
            application=application,
            requested_by=user,
            params={"final": final},
        )
        if created:
            _enqueue(job)
    return job


def department_job_create(*, user, kind: str, department: Organization, year: int, committee=None) -> DocumentJob:
    """A roster or a commission letter of a department for a year (a new document each time)."""

    if kind not in (DocumentKind.ROSTER, DocumentKind.COMMISSION):
        raise ValidationError(_("未知的文书类型。"))
    if department.kind != OrgKind.DEPARTMENT:
        raise ValidationError(_("只有主管部门可以生成花名册和评审委托函。"))
    if not (is_admin(user) or any(m.organization_id == department.pk for m in department_memberships(user))):
        raise PermissionDenied
    if kind == DocumentKind.COMMISSION and committee is None:
        raise ValidationError({"committee": _("请选择受委托的评审委员会。")})
    with transaction.atomic():
        job = DocumentJob.objects.create(
            kind=kind,
            key=f"{kind}:{uuid.uuid4().hex}",
            organization=department,
            committee=committee,
            requested_by=user,
            params={"year": year},
        )
        _enqueue(job)
    return job


def job_retry(*, job_id: int, user) -> DocumentJob:
    """Run a failed job again (or one whose task was lost: pending or running for too long)."""
    with transaction.atomic():
        job = (
            DocumentJob.objects.select_for_update(of=("self",))
            .select_related("application", "application__unit", "certificate", "certificate__application")
            .get(pk=job_id)
        )
        if not can_retry_job(user, job):
            raise PermissionDenied
        stale = timezone.now() - datetime.timedelta(minutes=settings.DOCUMENT_JOB_STALE_MINUTES)
        stuck = job.status in (JobStatus.PENDING, JobStatus.RUNNING) and (job.started_at or job.created_at) < stale
        if job.status != JobStatus.FAILED and not stuck:
            raise ValidationError(_("该任务正在处理或已完成，无需重试。"))
        job.status = JobStatus.PENDING
        job.progress = 0
        job.save(update_fields=["status", "progress"])
        _enqueue(job)
    return job


def _progress(job_id: int, percent: int) -> None:
    DocumentJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(progress=max(0, min(99, int(percent))))


def document_job_run(*, job_id: int) -> str:
    """Render the job's document and store it. Idempotent: a finished job is skipped, and when
    duplicates of one job race, only the first to finish keeps its file; the others delete theirs.
    Failures are recorded on the job (status, error, attempts) and re-raised for the task to retry."""
    # Imported here because documents.py imports this module (a certificate is numbered here
    # when its document is first rendered).
    from .documents import RENDERERS

    claimed = (
        DocumentJob.objects.filter(pk=job_id)
        .exclude(status=JobStatus.DONE)
        .update(status=JobStatus.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now(), progress=0)
    )
    if not claimed:
        return "skipped"
    job = DocumentJob.objects.select_related("application", "certificate", "organization", "committee").get(pk=job_id)
    try:
        rendered = RENDERERS[job.kind](job, progress=lambda percent: _progress(job.pk, percent))
    except Exception as exc:
        message = str(exc) if isinstance(exc, CertificateRefused) else f"{type(exc).__name__}: {exc}"
        DocumentJob.objects.filter(pk=job.pk).exclude(status=JobStatus.DONE).update(
            status=JobStatus.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        logger.warning("document job %s (%s) failed: %s", job.pk, job.kind, message)
        raise
    name = default_storage.save(
        f"documents/{job.kind}/{timezone.localdate():%Y}/{job.pk}-{secrets.token_hex(8)}{rendered.extension}",
        ContentFile(rendered.content),
    )
    try:
        with transaction.atomic():
            finished = (
                DocumentJob.objects.filter(pk=job.pk)
                .exclude(status=JobStatus.DONE)
                .update(
                    status=JobStatus.DONE,
                    file=name,
                    filename=rendered.filename,
                    progress=100,
                    error="",
                    finished_at=timezone.now(),
                )
            )
            if finished and job.kind == DocumentKind.PRINT_BATCH:
                _log_prints(job)
    except Exception:
        default_storage.delete(name)
        raise
    if not finished:
        default_storage.delete(name)
        return "duplicate"
    return "done"


# --- printing at the window --------------------------------------------------------------------


def printable_certificate(application: Application) -> Certificate | None:
    certificate = Certificate.objects.filter(application=application).first()
    return certificate if certificate is not None and not certificate.is_void else None


REPRINT_REASON_MAX = 200


def _in_open_batches(certificate_ids: set[int]) -> set[int]:
    """Of these certificates, those already in a print batch that is queued or rendering: printing
    them again now would be a reprint (a double-clicked button, two staff at once)."""
    busy = set()
    open_batches = DocumentJob.objects.filter(
        kind=DocumentKind.PRINT_BATCH, status__in=[JobStatus.PENDING, JobStatus.RUNNING]
    ).values_list("params", flat=True)
    for params in open_batches:
        busy |= certificate_ids & set((params or {}).get("certificate_ids", []))
    return busy


def print_batch_request(*, user, application_ids: list[int], reason: str = "") -> DocumentJob:
    """One combined PDF of the certificates of these applications, rendered as one job. Refused
    as a whole when any is not approved, outside the user's window, without a valid certificate,
    or already printed (or in a batch still rendering) without a reason for the reprint."""
    ids = parse_application_ids(application_ids)
    if not ids:
        raise ValidationError({"application": _("请勾选要打印证书的申报。")})
    limit = settings.CERTIFICATE_PRINT_BATCH_MAX
    if len(ids) > limit:
        raise ValidationError({"application": _("一次最多打印 %(n)d 张证书。") % {"n": limit}})
    reason = " ".join((reason or "").split())
    if len(reason) > REPRINT_REASON_MAX:
        raise ValidationError({"reason": _("重印原因不能超过 %(n)d 个字。") % {"n": REPRINT_REASON_MAX}})
    applications = Application.objects.select_related("applicant", "unit", "unit__region").in_bulk(ids)
    problems, window = [], None
    for pk in ids:
        application = applications.get(pk)
        membership = print_membership(user, application) if application else None
        if membership is None:
            raise PermissionDenied
        window = window or membership.organization
    with transaction.atomic():
        # The certificates are locked until the batch is recorded: of two requests for the same
        # certificates at once, the second sees the first's batch and asks for a reason.
        certificates = {
            c.application_id: c
            for c in Certificate.objects.select_for_update(of=("self",)).filter(application_id__in=ids)
        }
        chosen = []
        for pk in ids:
            application, certificate = applications[pk], certificates.get(pk)
            who = application.applicant.real_name
            if application.state != State.APPROVED:
                problems.append(_("%(who)s：申报尚未审批通过，不能打印证书。") % {"who": who})
            elif certificate is None:
                problems.append(_("%(who)s：证书尚未生成。") % {"who": who})
            elif certificate.is_void:
                problems.append(_("%(who)s：证书 %(n)s 已作废。") % {"who": who, "n": certificate.number})
            else:
                chosen.append(certificate)
        if problems:
            raise ValidationError({"application": problems})
        chosen_ids = {c.pk for c in chosen}
        printed = set(PrintLog.objects.filter(certificate__in=chosen).values_list("certificate_id", flat=True))
        busy = _in_open_batches(chosen_ids) - printed
        if printed and not reason:
            raise ValidationError(
                {"reason": _("所选证书中有 %(n)d 张已打印过，重印须填写原因。") % {"n": len(printed)}}
            )
        if busy and not reason:
            raise ValidationError(
                {
                    "reason": _(
                        "所选证书中有 %(n)d 张正在打印（已提交、尚未生成完毕），请到文书生成任务中下载；"
                        "确需再印一份的，请填写重印原因。"
                    )
                    % {"n": len(busy)}
                }
            )
        job = DocumentJob.objects.create(
            kind=DocumentKind.PRINT_BATCH,
            key=f"print_batch:{uuid.uuid4().hex}",
            organization=window,
            requested_by=user,
            params={"certificate_ids": [c.pk for c in chosen], "reason": reason},
        )
        _enqueue(job)
    return job


def _log_prints(job: DocumentJob) -> None:
    """Inside the transaction that marks the batch done: one log row per certificate (numbered per
    certificate, so the count of reprints is exact), and on a first print a text to the holder."""
    reason = job.params.get("reason", "")
    ids = job.params.get("certificate_ids", [])
    certificates = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("application", "application__unit", "application__item", "holder")
        .in_bulk(ids)
    )
    for certificate_id in ids:
        certificate = certificates[certificate_id]
        if PrintLog.objects.filter(certificate=certificate, job=job).exists():
            continue
        last = PrintLog.objects.filter(certificate=certificate).order_by("-sequence").first()
        sequence = (last.sequence if last else 0) + 1
        PrintLog.objects.create(
            certificate=certificate,
            job=job,
            sequence=sequence,
            printed_by=job.requested_by,
            window=job.organization,
            # A reprint always says why: a batch asked for while another with the same certificate
            # was rendering (refused without a reason) may still finish second.
            reason=(reason or _("同一证书的另一打印批次先完成")) if sequence > 1 else "",
        )
        if sequence == 1:
            _notify_printed(certificate, job.organization)


def _tell_holder(certificate: Certificate, event: str, **context) -> None:
    """The holder's notification (inbox, and text/e-mail per their preferences), worded by the
    notifications app's events `certificate_ready` / `certificate_posted`, in the site's language
    whatever language the window staff read the pages in."""

    in_site_language(_tell_holder_now)(certificate, event, **context)


def _tell_holder_now(certificate: Certificate, event: str, **context) -> None:

    application = certificate.application
    notify(
        recipients=[certificate.holder],
        event=event,
        application=application,
        url=reverse("certificates:detail", args=[certificate.pk]),
        dedupe_key=f"{event}:{certificate.pk}",
        context={
            "applicant": certificate.holder_name,
            "unit": application.unit.name,
            "item": application.item.short_name,
            "series": certificate.series_name,
            "title": certificate.title_name,
            "state": applicant_label(application),
            "opinion": "",
            "organization": certificate.authority_name,
            "certificate_number": certificate.number,
            **context,
        },
    )


def _notify_printed(certificate: Certificate, window) -> None:
    """First print of a certificate to collect in person: tell the holder where to collect it.
    (Express: the holder hears when it is posted, with the tracking number.)"""
    if certificate.application.wants_express:
        return
    _tell_holder(
        certificate,
        "certificate_ready",
        place=window.name if window else _("政务服务中心人才服务窗口"),
        address=window.address if window else "",
        note="",
    )


# --- hand-over ---------------------------------------------------------------------------------


def handover_record(
    *,
    certificate_id: int,
    user,
    collected_by: str = "",
    collector_id_number: str = "",
    carrier: str = "",
    tracking_number: str = "",
) -> Handover:
    """Collected in person, or sent by express, as the applicant chose when filing (是否快递)."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("application", "application__unit", "application__unit__region", "holder")
            .get(pk=certificate_id)
        )
        if not can_manage_certificate(user, certificate):
            raise PermissionDenied
        if certificate.is_void:
            raise ValidationError(_("证书已作废，不能发放。"))
        if Handover.objects.filter(certificate=certificate).exists():
            raise ValidationError(_("该证书已发放。"))
        if not certificate.print_logs.exists():
            raise ValidationError(_("证书尚未打印，不能发放。"))
        application = certificate.application
        fields = {"certificate": certificate, "recorded_by": user}
        if application.wants_express:
            carrier, tracking_number = carrier.strip(), tracking_number.strip()
            errors = {}
            if not carrier:
                errors["carrier"] = _("请填写快递公司。")
            if not tracking_number:
                errors["tracking_number"] = _("请填写快递单号。")
            if errors:
                raise ValidationError(errors)
            fields |= {
                "method": HandoverMethod.EXPRESS,
                "carrier": carrier,
                "tracking_number": tracking_number,
                "address": application.express_address,
            }
        else:
            collected_by = collected_by.strip()
            if not collected_by:
                raise ValidationError({"collected_by": _("请填写领取人姓名。")})
            fields |= {
                "method": HandoverMethod.PICKUP,
                "collected_by": collected_by,
                "collector_id_number": collector_id_number.strip().upper(),
            }
        handover = Handover.objects.create(**fields)
        if handover.method == HandoverMethod.EXPRESS:
            _tell_holder(
                certificate,
                "certificate_posted",
                carrier=handover.carrier,
                tracking_number=handover.tracking_number,
                express_address=handover.address,
            )
        return handover


# --- asking for documents from the pages ------------------------------------------------------


def receipt_job_request(*, application: Application) -> DocumentJob:
    """The acceptance receipt's job, started if nobody asked for it yet (e.g. older files)."""
    if not application.acceptance_number:
        raise ValidationError(_("该申报尚未受理，没有受理凭证。"))
    with transaction.atomic():
        job, created = _ensure_job(
            key=receipt_key(application.pk), kind=DocumentKind.RECEIPT, application_id=application.pk
        )
        if created:
            _enqueue(job)
    return job


def certificate_job_request(*, application_id: int, user) -> DocumentJob:
    """Window staff make the certificate now: when its job never ran (a lost message) or failed."""

    application = Application.objects.select_related("unit", "unit__region").get(pk=application_id)
    if not (is_admin(user) or print_membership(user, application) is not None):
        raise PermissionDenied
    if application.state != State.APPROVED:
        raise ValidationError(_("申报尚未审批通过，不能制作证书。"))
    with transaction.atomic():
        job, created = _ensure_job(
            key=certificate_key(application.pk), kind=DocumentKind.CERTIFICATE, application_id=application.pk
        )
        if created:
            _enqueue(job)
            return job
    if job.status == JobStatus.DONE:
        return job
    return job_retry(job_id=job.pk, user=user)
