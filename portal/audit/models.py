"""The security audit log (网络安全法 §21, MLPS 2.0 level 3): who looked at or downloaded whose
personal data, and every staff action on an account, with when and from where.

Append-only: a row is never changed, and rows are removed only by the retention purge
(`AuditEvent.objects.purge_before`), never before AUDIT_RETENTION_DAYS (at least 180 days)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW_APPLICATION = "view_application", _("查看申报材料")
    REVEAL_IDENTITY = "reveal_identity", _("显示完整证件号码")
    DOWNLOAD_MATERIAL = "download_material", _("下载申报材料")
    DOWNLOAD_FILED_COPY = "download_filed_copy", _("下载申报档案")
    DOWNLOAD_DOCUMENT = "download_document", _("下载文书")
    DOWNLOAD_CERTIFICATE = "download_certificate", _("下载电子证书")
    STAFF_UNLOCK = "staff_unlock", _("解锁账号")
    STAFF_RESET_PASSWORD = "staff_reset_password", _("重置密码")
    STAFF_REMOVE = "staff_remove", _("移出单位")
    JOIN_DECIDE = "join_decide", _("处理加入申请")
    REGION_CREATE = "region_create", _("创建地区")
    ORGANIZATION_CREATE = "organization_create", _("创建下级机构")
    ORGANIZATION_APPROVE = "organization_approve", _("审核通过机构")
    INVITATION_ACCEPT = "invitation_accept", _("接受经办人邀请")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")

    def delete(self):
        raise PermissionError("the audit log is append-only; use purge_before()")

    def purge_before(self, moment) -> int:
        """Remove events older than `moment` (the retention task's only way to delete)."""
        return models.QuerySet.delete(self.filter(at__lt=moment))[0]


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
        db_constraint=False,  # the log outlives accounts; a removed account leaves its id
    )
    action = models.CharField(_("操作"), max_length=40, choices=AuditAction.choices, db_index=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("涉及人员"),
        db_constraint=False,
    )
    object_type = models.CharField(_("对象类型"), max_length=40, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    address = models.CharField(_("来源地址"), max_length=64, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "at"], name="audit_subject_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")
