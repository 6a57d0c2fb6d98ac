"""Notifications (消息通知): one Notification per person and event is the in-app inbox row; each
other channel gets an outbox row (SmsMessage, EmailMessage) recorded in the same transaction and
sent by a task. Rows still pending when the broker was unreachable are picked up by the beat
dispatcher (see outbox.py), so nothing is lost while Redis is down."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.encrypted_fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from portal.core.identity import mask_mobile

from .events import EVENTS


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


# The same three states for every channel's outbox row.
DeliveryStatus = SmsStatus


class FailureKind(models.TextChoices):
    NONE = "", _("无")
    ADDRESS = "address", _("地址缺失或无效")
    SEND = "send", _("发送出错")
    EXPIRED = "expired", _("验证码已过期")


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("手机短信")


class Notification(models.Model):
    """One message to one person: what the inbox shows. Rendered when recorded, never re-rendered."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("收件人")
    )
    event = models.CharField(_("消息类型"), max_length=40, db_index=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("职称申报"),
    )
    # Reminders and digests run on a schedule and may run twice: the key makes the second a no-op.
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_recipient_and_key",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.recipient} · {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboxMessage(models.Model):
    """What every channel's outbox row has: recorded in the caller's transaction, sent once by a task."""

    purpose = models.CharField(_("用途"), max_length=40)
    status = models.CharField(_("状态"), max_length=10, choices=SmsStatus.choices, default=SmsStatus.PENDING)
    failure_kind = models.CharField(
        _("失败原因"), max_length=10, choices=FailureKind.choices, default=FailureKind.NONE, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # Set when a send task was handed to the broker; null means the dispatcher must (re)queue it.
    queued_at = models.DateTimeField(_("入队时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    # Set when the body was erased after NOTIFY_OUTBOX_RETENTION_DAYS (outbox.purge_outbox).
    purged_at = models.DateTimeField(_("内容清除时间"), null=True, blank=True)

    class Meta:
        abstract = True


class SmsMessage(BlindIndexedModel, OutboxMessage):
    """Outbox row for one text message (also used directly for verification codes).

    A message carrying a one-time code stores its template, the non-secret parameters and the
    text with the code masked; the code itself only sealed until it is sent (see codes.py)."""

    mobile = EncryptedCharField(_("手机号码"), max_length=11, blind_index="mobile_index")
    mobile_index = BlindIndexField(source="mobile", kind="mobile", db_index=True)
    text = models.TextField(_("内容"))
    template = models.CharField(_("短信模板"), max_length=40, blank=True)
    params = models.JSONField(_("模板参数"), default=dict, blank=True)
    sealed_secret = models.TextField(_("加密的验证码"), blank=True, editable=False)
    secret_expires_at = models.DateTimeField(_("验证码有效期至"), null=True, blank=True)
    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sms_messages",
        verbose_name=_("站内消息"),
    )

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{mask_mobile(self.mobile)} · {self.purpose}"

    @property
    def address(self) -> str:
        return self.mobile


class EmailMessage(OutboxMessage):
    """Outbox row for one e-mail, sent through Django's EMAIL_BACKEND."""

    to = models.CharField(_("收件地址"), max_length=254, blank=True)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"))
    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
        verbose_name=_("站内消息"),
    )

    class Meta:
        verbose_name = _("电子邮件")
        verbose_name_plural = _("电子邮件")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.to or '—'} · {self.purpose}"

    @property
    def address(self) -> str:
        return self.to


class NotificationTemplate(models.Model):
    """An admin's wording for one event. Rows are created from the defaults in events.py the first
    time the admin list is opened; an event without a row uses its default."""

    event = models.CharField(_("消息类型"), max_length=40, unique=True)
    subject = models.CharField(_("标题模板"), max_length=200)
    body = models.TextField(_("正文模板"), help_text=_("站内消息和电子邮件的正文。"))
    sms_text = models.TextField(
        _("短信模板"), blank=True, help_text=_("留空则该类消息不发短信。短信签名由短信平台自动添加。")
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息模板")
        verbose_name_plural = _("消息模板")
        ordering = ["event"]

    def __str__(self):

        spec = EVENTS.get(self.event)
        return str(spec.label) if spec else self.event


class NotificationPreference(models.Model):
    """Which channels a person wants besides the inbox (always on). Addresses come from the account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("用户"),
    )
    email = models.BooleanField(_("电子邮件"), default=True)
    sms = models.BooleanField(_("手机短信"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self):
        return str(self.user)


class DigestEntry(models.Model):
    """An application that reached a reviewer's queue, waiting for that reviewer's daily digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("审核人")
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="+", verbose_name=_("职称申报")
    )
    state = models.CharField(_("环节"), max_length=30)
    created_at = models.DateTimeField(_("到达时间"), default=timezone.now)
    digested_at = models.DateTimeField(_("汇总时间"), null=True, blank=True)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("每日汇总")
    )

    class Meta:
        verbose_name = _("待汇总待办")
        verbose_name_plural = _("待汇总待办")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "application", "state"],
                condition=models.Q(digested_at__isnull=True),
                name="digest_entry_once_while_waiting",
            )
        ]

    def __str__(self):
        return f"{self.recipient} · {self.application_id} · {self.state}"
