from django import forms
from django.contrib import admin, messages
from django.contrib.auth import password_validation
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.core.admin_lists import EstimatedCountPaginator
from portal.core.identity import normalize_mobile, parse_id_number, validate_mobile

from .lockout import last_locking_attempt, lockout_end
from .models import User
from .services import user_unlock


class AdminUserCreationForm(forms.ModelForm):
    """Admins create people with the same checks as self-registration."""

    password1 = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("确认密码"), strip=False, widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ["real_name", "id_number", "mobile", "email"]

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).number

    def clean_mobile(self):
        validate_mobile(self.cleaned_data["mobile"])
        return normalize_mobile(self.cleaned_data["mobile"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif cleaned.get("password1"):
            try:
                password_validation.validate_password(cleaned["password1"], self.instance)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["id"]
    # Every applicant is a user: the same large-table changelist as LargeTableAdmin.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_display = ["real_name", "masked_id_number", "mobile", "is_active", "is_staff", "lock_state", "date_joined"]
    # ID numbers and mobiles are encrypted: searched whole (their blind index), never sorted.
    search_fields = ["real_name", "=id_number", "=mobile"]
    sortable_by = ["real_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    readonly_fields = ["id_number", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["id_number", "real_name", "mobile", "email", "password"]}),
        (_("状态"), {"fields": ["is_active", "must_change_password", "date_joined", "last_login"]}),
        (_("权限"), {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_form = AdminUserCreationForm
    add_fieldsets = [(None, {"fields": ["real_name", "id_number", "mobile", "email", "password1", "password2"]})]
    actions = ["unlock_accounts"]

    def get_readonly_fields(self, request, obj=None):
        # The ID number is fixed after registration.
        return self.readonly_fields if obj else ["date_joined", "last_login"]

    @admin.display(description=_("身份证号码"))
    def masked_id_number(self, obj):
        return obj.masked_id_number

    def get_queryset(self, request):
        # The lock column in the same query as the rows, not one django-axes query per row.
        return super().get_queryset(request).annotate(locked_by_attempt_at=last_locking_attempt())

    @admin.display(description=_("锁定状态"))
    def lock_state(self, obj):
        until = lockout_end(obj.locked_by_attempt_at)
        return _("锁定至 %(t)s") % {"t": until.astimezone().strftime("%H:%M")} if until else "—"

    @admin.action(description=_("解锁所选账号"))
    def unlock_accounts(self, request, queryset):
        for user in queryset:
            user_unlock(user=user, by=request.user)
        messages.success(request, _("已解锁 %(n)d 个账号。") % {"n": queryset.count()})


# django-otp's own admin shows the TOTP secret (and a QR of it) and the recovery codes in clear;
# here an admin sees only whose device it is and may delete it (the person then enrols again).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice, StaticDevice)
class SecondFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "last_used_at"]
    fields = ["user", "name", "confirmed", "last_used_at"]
    readonly_fields = fields
    search_fields = ["user__real_name", "=user__id_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
