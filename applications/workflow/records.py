"""The workflow's records: the append-only audit of every step (who, in which role and
organization, when, from which state to which, with what opinion) and the per-window counter
that acceptance numbers are drawn from. Registered as models of the applications app."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .states import State


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交申报")
    RESUBMIT = "resubmit", _("修改后重新提交")
    PASS = "pass", _("审核通过")
    RECOMMEND = "recommend", _("推荐上报")
    ACCEPT = "accept", _("受理")
    APPROVE = "approve", _("审核通过")
    COMMITTEE = "committee", _("评委会评审")
    FILE = "file", _("核准备案")
    RETURN = "return", _("退回修改")
    RESET = "reset", _("重置流程")
    FAIL = "fail", _("不通过")
    WITHDRAW = "withdraw", _("撤回申报")
    NOTICE_OPEN = "notice_open", _("开始公示")
    NOTICE_RESULT = "notice_result", _("公示结果")
    NOTICE_CHANGE = "notice_change", _("公示期变更")
    NOTICE_WITHDRAW = "notice_withdraw", _("撤回公示")
    REFUSED = "refused", _("操作被拒绝")


class ReviewRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("review records are append-only")

    def delete(self):
        raise ValidationError("review records are append-only")


class ReviewRecord(models.Model):
    """One step of an application's history: who, in which role and organization, when, from which
    state to which, with what opinion. Append-only: rows are never changed or deleted."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="records")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    role = models.CharField(_("角色"), max_length=20, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("机构"),
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=30, choices=State.choices)
    to_state = models.CharField(_("新状态"), max_length=30, choices=State.choices)
    opinion = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = ReviewRecordQuerySet.as_manager()

    class Meta:
        db_table = "reviews_reviewrecord"  # moved from the reviews app; the table kept its name
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # Integrity guard, not a business rule: history is written once.
        if self.pk is not None:
            raise ValidationError("review records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("review records are append-only")


class AcceptanceCounter(models.Model):
    """The last acceptance number given by a window in a year; locked row → gap-free, never reused."""

    window = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "reviews_acceptancecounter"  # moved from the reviews app
        verbose_name = _("受理号计数")
        verbose_name_plural = _("受理号计数")
        constraints = [models.UniqueConstraint(fields=["window", "year"], name="acceptance_counter_per_window_year")]

    def __str__(self):
        return f"{self.window} {self.year}: {self.last_number}"
