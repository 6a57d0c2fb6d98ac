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
from applications.snapshot_display import filed_value
from portal.catalog.stages import Stage
from portal.core import background
from portal.notifications.services import in_site_language, notify
from portal.organizations.models import Organization, OrgKind
from portal.organizations.permissions import is_admin
from reviews.meetings import members as session_members
from reviews.models import CommitteeSession

from .jobkeys import certificate_key, cover_key, form_key, receipt_key, session_document_key
from .models import (
    SESSION_KINDS,
    Certificate,
    CertificateCounter,
    DocumentJob,
    DocumentKind,
    Handover,
    HandoverMethod,
    JobStatus,
    PrintLog,
    stuck_q,
)
from .permissions import (
    can_manage_certificate,
    can_print_cover,
    can_request_session_documents,
    can_retry_job,
    department_memberships,
    print_membership,
)
from .refusals import DocumentRefused

logger = logging.getLogger("portal.certificates")


class CertificateRefused(DocumentRefused):
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
    named = str(filed_value(application.filed_content, "current_title", "certificate_number") or "").strip()
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


# Publishing happens after the request's commit: give up quickly and leave it to the dispatcher.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def job_publish(job_id: int) -> bool:
    """Hand a pending job to the broker. Never raises: when the broker is down the job stays
    pending with no `queued_at` (the screens say so) and the dispatcher publishes it later."""
    # Imported here because tasks.py imports this module (it runs the jobs these functions queue).
    from .tasks import render_document

    # Marked before publishing: in the embedded stack the task runs inside apply_async.
    DocumentJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(queued_at=timezone.now())
    if render_document.app.conf.task_always_eager and settings.DOCUMENTS_IN_BACKGROUND:
        # No broker: the web process's background thread renders it, the request answers now.
        background.submit(render_document.apply, args=[job_id])
        return True
    try:
        render_document.apply_async(args=[job_id], retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:  # kombu.exceptions.OperationalError, redis errors, OSError: anything the broker raises
        logger.warning("could not queue document job %s; the dispatcher will queue it later", job_id, exc_info=True)
        DocumentJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
            queued_at=None, queue_failed_at=timezone.now()
        )
        return False
    DocumentJob.objects.filter(pk=job_id).update(queue_failed_at=None)
    return True


def _enqueue(job: DocumentJob) -> None:
    transaction.on_commit(lambda: job_publish(job.pk), robust=True)


def document_jobs_dispatch(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Run by beat every minute: make the missing certificate and receipt jobs (their step's
    message was lost), and queue the jobs the broker never took and the stuck ones (one stale
    rule, DocumentJobQuerySet.stuck). Running a job twice is harmless. Returns how many were queued."""
    now = now or timezone.now()
    approved = Application.objects.filter(state=State.APPROVED, certificate__isnull=True).exclude(
        document_jobs__kind=DocumentKind.CERTIFICATE
    )
    accepted = Application.objects.exclude(acceptance_number="").exclude(document_jobs__kind=DocumentKind.RECEIPT)
    made = [certificate_job_ensure(application_id=pk).pk for pk in approved.values_list("pk", flat=True)[:limit]]
    made += [receipt_job_ensure(application_id=pk).pk for pk in accepted.values_list("pk", flat=True)[:limit]]
    due = DocumentJob.objects.undelivered(now) | DocumentJob.objects.stuck(now)
    queued = 0
    for job_id in [*made, *due.order_by("created_at").values_list("pk", flat=True)[:limit]]:
        # Back to pending (still stuck, checked again in the update) so the screens stop saying 生成中.
        DocumentJob.objects.stuck(now).filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.PENDING, progress=0
        )
        queued += job_publish(job_id)
    if queued:
        logger.info("dispatcher queued %d document job(s)", queued)
    return queued


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


def step_documents_queue(*, application_id: int, certificate: bool, receipt: bool) -> None:
    """Inside a workflow step's transaction: the certificate (approved) and receipt (accepted) jobs,
    published after commit. The row commits with the step, so a broker that is down loses nothing:
    the dispatcher publishes it within a minute of the broker coming back."""
    wanted = [(certificate, certificate_job_ensure), (receipt, receipt_job_ensure)]
    for job in [ensure(application_id=application_id) for want, ensure in wanted if want]:
        if job.status == JobStatus.PENDING:
            _enqueue(job)


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
        if not job.may_retry:
            raise ValidationError(_("该任务正在处理或已完成，无需重试。"))
        job.status = JobStatus.PENDING
        job.progress = 0
        job.save(update_fields=["status", "progress"])
        _enqueue(job)
    return job


def _progress(ours, percent: int) -> None:
    """Progress is the worker's heartbeat too: a job whose heartbeat stops is stuck."""
    ours.update(progress=max(0, min(99, int(percent))), heartbeat_at=timezone.now())


def document_job_run(*, job_id: int) -> str:
    """Render the job's document and store it. Idempotent: a finished job is skipped, and when
    duplicates of one job race, only the first to finish keeps its file; the others delete theirs.
    Failures are recorded on the job (status, error, attempts) and re-raised for the task to retry."""
    # Imported here because documents.py imports this module (a certificate is numbered here
    # when its document is first rendered).
    from .renderers import renderer

    now = timezone.now()
    # Claimed only when nobody is at it: a duplicate delivery while the job renders (fresh heartbeat),
    # after it finished, or of a superseded batch changes nothing and writes no file.
    claimable = Q(status__in=[JobStatus.PENDING, JobStatus.FAILED]) | Q(status=JobStatus.RUNNING) & stuck_q(now)
    claimed = DocumentJob.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING, attempts=F("attempts") + 1, started_at=now, heartbeat_at=now, progress=0
    )
    if not claimed:
        return "skipped"
    job = DocumentJob.objects.select_related("application", "certificate", "organization", "committee").get(pk=job_id)
    # This run's own row: a run whose job was claimed again since (stuck, re-queued) records nothing.
    ours = DocumentJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)
    try:
        rendered = renderer(job.kind)(job, progress=lambda percent: _progress(ours, percent))
    except Exception as exc:
        message = str(exc) if isinstance(exc, DocumentRefused) else f"{type(exc).__name__}: {exc}"
        ours.update(status=JobStatus.FAILED, error=message[:2000], finished_at=timezone.now())
        logger.warning("document job %s (%s) failed: %s", job.pk, job.kind, message)
        raise
    name = default_storage.save(
        f"documents/{job.kind}/{timezone.localdate():%Y}/{job.pk}-{secrets.token_hex(8)}{rendered.extension}",
        ContentFile(rendered.content),
    )
    try:
        with transaction.atomic():
            finished = ours.update(
                status=JobStatus.DONE,
                file=name,
                filename=rendered.filename,
                progress=100,
                error="",
                finished_at=timezone.now(),
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


def _in_open_batches(certificate_ids: set[int]) -> tuple[set[int], list[int]]:
    """Of these certificates, those already in a print batch that is queued or rendering: printing
    them again now would be a reprint (a double-clicked button, two staff at once). And the stuck
    batches holding any of them: asking again supersedes those (their late delivery prints nothing)."""
    busy, stuck = set(), []
    open_batches = DocumentJob.objects.filter(
        kind=DocumentKind.PRINT_BATCH, status__in=[JobStatus.PENDING, JobStatus.RUNNING]
    )
    stuck_ids = set(open_batches.stuck().values_list("pk", flat=True))
    for pk, params in open_batches.values_list("pk", "params"):
        overlap = certificate_ids & set((params or {}).get("certificate_ids", []))
        if overlap and pk in stuck_ids:
            stuck.append(pk)
        else:
            busy |= overlap
    return busy, stuck


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
        busy, superseded = _in_open_batches(chosen_ids)
        busy -= printed
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
        DocumentJob.objects.filter(pk__in=superseded).stuck().update(
            status=JobStatus.SUPERSEDED, error=_("已被新的打印批次取代。"), finished_at=timezone.now()
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


def handover_batch(
    *,
    certificate_ids: list[int],
    user,
    collected_by: str = "",
    collector_id_number: str = "",
    carrier: str = "",
    tracking_numbers: dict[int, str] | None = None,
) -> tuple[list[Handover], list[tuple[Certificate, str]]]:
    """Record many hand-overs in one action, each by `handover_record` in its own transaction (one
    Handover row, one message to the holder each; a refusal leaves the others done). Each goes the
    way its applicant chose: collected in person — by `collected_by` (a unit's officer collecting
    for several, with their ID number), or by each holder when left blank — or sent by `carrier`
    with that certificate's tracking number. A certificate this user may not manage is skipped
    exactly like one that does not exist."""
    if len(certificate_ids) > settings.REVIEW_BATCH_MAX:
        raise ValidationError({"certificate": _("一次最多批量发放%(n)d张证书。") % {"n": settings.REVIEW_BATCH_MAX}})
    tracking_numbers = tracking_numbers or {}
    done, refused = [], []
    found = Certificate.objects.select_related("application", "application__unit", "application__unit__region")
    for certificate in found.filter(pk__in=certificate_ids).order_by("pk"):
        if not can_manage_certificate(user, certificate):
            continue
        try:
            done.append(
                handover_record(
                    certificate_id=certificate.pk,
                    user=user,
                    collected_by=collected_by.strip() or certificate.holder_name,
                    collector_id_number=collector_id_number if collected_by.strip() else "",
                    carrier=carrier,
                    tracking_number=tracking_numbers.get(certificate.pk, ""),
                )
            )
        except ValidationError as error:
            refused.append((certificate, " ".join(error.messages)))
    return done, refused


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


def cover_job_request(*, application_id: int, user) -> DocumentJob:
    """The cover sheet (档案封面) of an accepted file, for its acceptance number: one job per
    number, made when the window first asks and queued after commit."""
    application = Application.objects.select_related("unit", "unit__region").filter(pk=application_id).first()
    if application is None or not can_print_cover(user, application):
        raise PermissionDenied
    with transaction.atomic():
        job, created = _ensure_job(
            key=cover_key(application), kind=DocumentKind.COVER, application=application, requested_by=user
        )
        if created:
            _enqueue(job)
    return job


def session_document_request(*, session_id: int, kind: str, user) -> DocumentJob:
    """A committee session's letters, roster or result list (评审会议文书), asked by its office:
    one job per state of the session (the drawn members, their attendance, the sign-off), so asking
    twice gives the same document and a change since gives a new one."""
    session = CommitteeSession.objects.select_related("committee").filter(pk=session_id).first()
    if session is None or not can_request_session_documents(user, session):
        raise PermissionDenied
    if kind not in SESSION_KINDS:
        raise ValidationError(_("未知的文书类型。"))
    drawn = list(session_members(session).values_list("pk", "present"))
    if not drawn:
        raise ValidationError(_("该评审会议尚未抽取专家。"))
    if kind == DocumentKind.SESSION_RESULTS and session.signed_at is None:
        raise ValidationError(_("评审结果签发后才能生成评审结果名单。"))
    with transaction.atomic():
        job, created = _ensure_job(
            key=session_document_key(kind, session, drawn),
            kind=kind,
            session=session,
            committee=session.committee,
            requested_by=user,
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
