"""Certificates (专业技术资格证书), their numbers, the documents the portal renders (PDF and xlsx)
as background jobs, the print log at the window and the hand-over to the holder."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from portal.catalog.models import Committee, ObtainedBy, TitleName
from portal.core.encrypted_fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from portal.core.identity import mask_id_number
from portal.organizations.models import Organization


def verify_token() -> str:
    # Printed in the QR code: whoever holds the paper may check it without typing the name.
    return secrets.token_urlsafe(18)


class CertificateCounter(models.Model):
    """The last serial an issuing authority gave in a year; locked row → gap-free, never reused."""

    authority = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("证书编号计数")
        verbose_name_plural = _("证书编号计数")
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="certificate_counter_per_authority_year")
        ]

    def __str__(self):
        return f"{self.authority} {self.year}: {self.last_number}"


class Certificate(BlindIndexedModel):
    """One certificate, made once per approved application. What is printed is kept here as it was
    at issue (names, authority), so later catalogue edits never change an issued certificate."""

    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("发证年度"))
    serial = models.PositiveIntegerField(_("年度流水号"))
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("职称申报")
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("持证人")
    )
    holder_name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(_("身份证号码"), max_length=18, blind_index="id_number_index")
    id_number_index = BlindIndexField(source="id_number", kind="id_number", db_index=True)
    series_name = models.CharField(_("系列"), max_length=50)
    title = models.ForeignKey(TitleName, on_delete=models.PROTECT, related_name="+", verbose_name=_("职称名称"))
    title_name = models.CharField(_("专业技术资格"), max_length=50)
    level_name = models.CharField(_("资格级别"), max_length=20)
    obtained_by = models.CharField(_("取得方式"), max_length=20, choices=ObtainedBy.choices)
    approved_on = models.DateField(_("审批时间"))
    issued_on = models.DateField(_("发证日期"))
    authority = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="issued_certificates", verbose_name=_("发证机关")
    )
    authority_name = models.CharField(_("发证机关名称"), max_length=200)
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("评审委员会")
    )
    committee_name = models.CharField(_("评审委员会名称"), max_length=100, blank=True)
    verify_token = models.CharField(_("查验码"), max_length=32, unique=True, default=verify_token, editable=False)
    is_void = models.BooleanField(_("已作废"), default=False)
    void_reason = models.TextField(_("作废原因"), blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
        verbose_name=_("换发后的新证书"),
    )
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("专业技术资格证书")
        verbose_name_plural = _("专业技术资格证书")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year", "serial"], name="certificate_serial_per_authority"),
            models.CheckConstraint(
                condition=models.Q(replaced_by__isnull=True) | models.Q(is_void=True),
                name="certificate_replaced_only_when_void",
            ),
        ]
        indexes = [models.Index(fields=["holder", "is_void"])]

    def __str__(self):
        return f"{self.number} {self.holder_name}"

    @property
    def masked_id_number(self) -> str:

        return mask_id_number(self.id_number)


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", _("专业技术资格证书")
    RECEIPT = "receipt", _("受理凭证")
    FORM = "form", _("申报信息一览表")
    ROSTER = "roster", _("花名册")
    COMMISSION = "commission", _("评审委托函")
    PRINT_BATCH = "print_batch", _("证书批量打印")
    COVER = "cover", _("档案封面")
    # A committee session's documents (评审会议文书), for its office and the bureau.
    SESSION_LETTERS = "session_letters", _("评审专家聘请函")
    SESSION_ROSTER = "session_roster", _("评审会议签到表")
    SESSION_RESULTS = "session_results", _("评审结果名单")
    # A list too long to stream in the request (LIST_EXPORT_BACKGROUND_ROWS): made in the background.
    LIST_EXPORT = "list_export", _("列表导出")


SESSION_KINDS = (DocumentKind.SESSION_LETTERS, DocumentKind.SESSION_ROSTER, DocumentKind.SESSION_RESULTS)


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("生成失败")
    # A print batch asked for again while it was stuck: its late delivery must not print.
    SUPERSEDED = "superseded", _("已被取代")


def stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(minutes=settings.DOCUMENT_JOB_STALE_MINUTES)


def _older(before: datetime, *fields: str) -> Q:
    """The first of `fields` that is set is older than `before` (COALESCE, in plain column terms,
    so a concurrent UPDATE re-checks it on the row it locked)."""
    first, *rest = fields
    older = Q(**{f"{first}__lt": before})
    if rest:
        older |= Q(**{f"{first}__isnull": True}) & _older(before, *rest)
    return older


def stuck_q(now: datetime | None = None) -> Q:
    """The one stale rule (the dispatcher re-queues these, staff may retry them): running with no
    heartbeat for DOCUMENT_JOB_STALE_MINUTES (its worker died), or queued that long ago and never
    started (its message was lost)."""
    before = stale_before(now)
    running = Q(status=JobStatus.RUNNING) & _older(before, "heartbeat_at", "started_at", "created_at")
    queued = Q(status=JobStatus.PENDING) & _older(before, "queued_at", "created_at")
    return running | queued


class DocumentJobQuerySet(models.QuerySet):
    def stuck(self, now: datetime | None = None):
        return self.filter(stuck_q(now))

    def undelivered(self, now: datetime | None = None):
        """Waiting for a broker that was down when they were queued (publishing failed)."""
        before = (now or timezone.now()) - timedelta(seconds=settings.DOCUMENT_JOB_DISPATCH_AFTER_SECONDS)
        return self.filter(status=JobStatus.PENDING, queued_at__isnull=True, created_at__lte=before)


class DocumentJob(models.Model):
    """One document to render in the background: its state, attempts and last error (what staff
    see, with a retry button), and the stored file once done. `key` makes requests idempotent:
    the certificate, receipt and form of an application each have one job, never two."""

    kind = models.CharField(_("文书类型"), max_length=20, choices=DocumentKind.choices)
    key = models.CharField(max_length=120, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="document_jobs"
    )
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="document_jobs"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("机构")
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("评审委员会")
    )
    session = models.ForeignKey(
        "reviews.CommitteeSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("评审会议"),
    )
    params = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("文件"), max_length=200, blank=True)
    filename = models.CharField(_("下载文件名"), max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Handed to the broker (NULL: not yet, or publishing failed; then the dispatcher retries it).
    queued_at = models.DateTimeField(_("入队时间"), null=True, blank=True)
    queue_failed_at = models.DateTimeField(_("入队失败时间"), null=True, blank=True)
    # Renewed by the worker while it renders: a running job whose heartbeat stopped is stuck.
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)

    objects = DocumentJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("文书生成任务")
        verbose_name_plural = _("文书生成任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.SUPERSEDED)

    @property
    def waits_for_broker(self) -> bool:
        return self.status == JobStatus.PENDING and self.queued_at is None and self.queue_failed_at is not None

    @property
    def status_label(self) -> str:
        """What the screens say: honest about a job the broker could not take yet."""
        if self.waits_for_broker:
            return _("排队等待中（后台服务暂不可用）")
        return self.get_status_display()

    @property
    def is_stuck(self) -> bool:
        """DocumentJobQuerySet.stuck() for one row already read (the rule is the same)."""
        before = stale_before()
        if self.status == JobStatus.RUNNING:
            return (self.heartbeat_at or self.started_at or self.created_at) < before
        if self.status == JobStatus.PENDING:
            return (self.queued_at or self.created_at) < before
        return False

    @property
    def may_retry(self) -> bool:
        return self.status == JobStatus.FAILED or self.is_stuck

    @property
    def total(self) -> int:
        return len(self.params.get("certificate_ids", [])) or 1


class PrintLog(models.Model):
    """Each time a certificate is printed at the window: who, when, and for a reprint why."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="print_logs", verbose_name=_("证书")
    )
    job = models.ForeignKey(DocumentJob, null=True, blank=True, on_delete=models.PROTECT, related_name="print_logs")
    sequence = models.PositiveSmallIntegerField(_("第几次打印"))
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("打印人")
    )
    window = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("窗口")
    )
    printed_at = models.DateTimeField(_("打印时间"), default=timezone.now)
    reason = models.TextField(_("重印原因"), blank=True)

    class Meta:
        verbose_name = _("证书打印记录")
        verbose_name_plural = _("证书打印记录")
        ordering = ["certificate", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "sequence"], name="print_log_sequence_per_certificate"),
            models.UniqueConstraint(fields=["certificate", "job"], name="print_log_once_per_job"),
        ]

    def __str__(self):
        return f"{self.certificate.number} #{self.sequence}"

    @property
    def is_reprint(self) -> bool:
        return self.sequence > 1

    @property
    def reprint_count(self) -> int:
        return self.sequence - 1


class HandoverMethod(models.TextChoices):
    PICKUP = "pickup", _("窗口领取")
    EXPRESS = "express", _("快递寄送")


class Handover(models.Model):
    """How the printed certificate reached its holder: collected in person, or sent by express."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="handover", verbose_name=_("证书")
    )
    method = models.CharField(_("发放方式"), max_length=10, choices=HandoverMethod.choices)
    collected_by = models.CharField(_("领取人"), max_length=50, blank=True)
    collector_id_number = EncryptedCharField(_("领取人证件号码"), max_length=18, blank=True)
    carrier = models.CharField(_("快递公司"), max_length=50, blank=True)
    tracking_number = models.CharField(_("快递单号"), max_length=50, blank=True)
    address = models.CharField(_("寄送地址"), max_length=200, blank=True)
    handed_at = models.DateTimeField(_("发放时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )

    class Meta:
        verbose_name = _("证书发放")
        verbose_name_plural = _("证书发放")

    def __str__(self):
        return f"{self.certificate.number} {self.get_method_display()}"
