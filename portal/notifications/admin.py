from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.core.identity import mask_mobile

from . import events, templating
from .models import (
    EmailMessage,
    Notification,
    NotificationPreference,
    NotificationTemplate,
    SmsMessage,
    SmsStatus,
)
from .services import outbox_retry, templates_ensure


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["subject", "body", "sms_text"]
        widgets = {
            "subject": forms.TextInput(attrs={"size": 90}),
            "body": forms.Textarea(attrs={"rows": 10, "cols": 90}),
            "sms_text": forms.Textarea(attrs={"rows": 4, "cols": 90}),
        }

    def clean(self):
        cleaned = super().clean()
        spec = events.EVENTS.get(self.instance.event)
        if spec is None:
            raise forms.ValidationError(_("未知的消息类型。"))
        allowed = spec.all_variables
        for name in ("subject", "body", "sms_text"):
            found = templating.problems(cleaned.get(name) or "", allowed)
            if found:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("%(problems)s。可用变量：%(allowed)s")
                        % {"problems": "；".join(found), "allowed": "、".join(allowed)}
                    ),
                )
        return cleaned


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = NotificationTemplateForm
    list_display = ["label", "audience", "subject", "sends_sms", "updated_at"]
    readonly_fields = ["label", "audience", "variables"]
    fields = ["label", "audience", "variables", "subject", "body", "sms_text"]
    actions = ["restore_defaults"]

    def has_add_permission(self, request):
        return False  # one row per event, created from the defaults

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        templates_ensure()
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("消息类型"))
    def label(self, obj):
        spec = events.EVENTS.get(obj.event)
        return spec.label if spec else obj.event

    @admin.display(description=_("发给谁、何时发"))
    def audience(self, obj):
        spec = events.EVENTS.get(obj.event)
        return spec.audience if spec else ""

    @admin.display(description=_("发短信"), boolean=True)
    def sends_sms(self, obj):
        return bool(obj.sms_text.strip())

    @admin.display(description=_("可用变量"))
    def variables(self, obj):
        spec = events.EVENTS.get(obj.event)
        if spec is None:
            return ""
        rows = format_html_join(
            "", "<tr><td><code>{{{{ {} }}}}</code></td><td>{}</td></tr>", spec.all_variables.items()
        )
        note = _("模板使用 Django 模板语法，只能使用下列变量及 {% if %}、{% for %}；使用未列出的变量不能保存。")
        return format_html("<p>{}</p><table>{}</table>", note, rows)

    @admin.action(description=_("恢复所选模板的默认内容"))
    def restore_defaults(self, request, queryset):
        restored = 0
        for row in queryset:
            spec = events.EVENTS.get(row.event)
            if spec:
                row.subject, row.body, row.sms_text = spec.subject, spec.body, spec.sms
                row.save()
                restored += 1
        messages.info(request, _("已恢复 %(n)d 个模板。") % {"n": restored})


class OutboxAdmin(admin.ModelAdmin):
    list_filter = ["status", "failure_kind", "purpose"]
    actions = ["retry"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新发送所选失败消息"))
    def retry(self, request, queryset):
        failed = list(queryset.filter(status=SmsStatus.FAILED))
        retried = outbox_retry(failed)
        messages.info(request, _("已重新提交 %(n)d 条。") % {"n": retried})
        if retried < len(failed):
            messages.warning(
                request,
                _("%(n)d 条因收件地址缺失或无效未能重新提交，请先更正用户账户中的手机号码或电子邮箱。")
                % {"n": len(failed) - retried},
            )


@admin.register(SmsMessage)
class SmsMessageAdmin(OutboxAdmin):
    list_display = [
        "masked_mobile",
        "purpose",
        "status",
        "failure_kind",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    search_fields = ["=mobile", "text"]
    # The sealed code is never shown, not even encrypted; `text` holds it masked (******).
    readonly_fields = [f.name for f in SmsMessage._meta.fields if f.name != "sealed_secret"]
    exclude = ["sealed_secret"]

    @admin.display(description=_("手机号码"), ordering="mobile")
    def masked_mobile(self, obj):
        return mask_mobile(obj.mobile)


@admin.register(EmailMessage)
class EmailMessageAdmin(OutboxAdmin):
    list_display = ["to", "subject", "purpose", "status", "failure_kind", "attempts", "last_error", "created_at"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in EmailMessage._meta.fields]


class FailedFilter(admin.SimpleListFilter):
    title = _("其他渠道")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("failed", _("有发送失败")), ("pending", _("有待发送"))]

    def queryset(self, request, queryset):
        status = {"failed": SmsStatus.FAILED, "pending": SmsStatus.PENDING}.get(self.value())
        if status is None:
            return queryset
        return queryset.filter(Q(sms_messages__status=status) | Q(emails__status=status)).distinct()


class EventFilter(admin.SimpleListFilter):
    title = _("消息类型")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return [(key, spec.label) for key, spec in events.EVENTS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "event_label", "subject", "created_at", "read_at", "channels"]
    list_filter = [EventFilter, FailedFilter]
    search_fields = ["subject", "recipient__real_name", "=recipient__mobile"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("消息类型"), ordering="event")
    def event_label(self, obj):
        spec = events.EVENTS.get(obj.event)
        return spec.label if spec else obj.event

    @admin.display(description=_("短信/邮件"))
    def channels(self, obj):
        parts = [_("短信：%(s)s") % {"s": m.get_status_display()} for m in obj.sms_messages.all()]
        parts += [_("邮件：%(s)s") % {"s": m.get_status_display()} for m in obj.emails.all()]
        return _("；").join(str(p) for p in parts) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sms_messages", "emails")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "sms", "updated_at"]
    search_fields = ["user__real_name", "=user__mobile"]
    raw_id_fields = ["user"]
