from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.core.admin_lists import LargeTableAdmin
from portal.core.admin_widgets import SafeAutocompleteMixin

from .models import JoinRequest, Membership, NameChange, Organization, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]


class MembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_active", "created_at", "ended_at"]


class NameChangeInline(admin.TabularInline):
    model = NameChange
    extra = 0
    readonly_fields = ["old_name", "new_name", "changed_at", "changed_by"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "credit_code", "region", "parent", "status"]
    list_filter = ["kind", "status", "region"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["region", "parent"]
    autocomplete_fields = ["parent", "region"]
    readonly_fields = ["status", "reviewed_at", "reviewed_by", "created_at"]
    inlines = [MembershipInline, NameChangeInline]
    fieldsets = [
        (None, {"fields": ["kind", "name", "credit_code", "region", "parent"]}),
        (_("联系信息"), {"fields": ["scope", "address", "phone", "contact_person"]}),
        (_("审核"), {"fields": ["status", "rejection_reason", "reviewed_at", "reviewed_by", "created_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The credit code is the unit's identity: fixed once registered.
        fields = list(self.readonly_fields)
        if obj and obj.credit_code:
            fields.append("credit_code")
        return fields


@admin.register(Membership)
class MembershipAdmin(SafeAutocompleteMixin, LargeTableAdmin):
    list_display = ["user", "organization", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__real_name", "=user__mobile", "organization__name"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Read only: the unit's HR officer decides on the staff page (join_request_decide)."""

    list_display = ["user", "organization", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["user", "organization", "decided_by"]
    search_fields = ["organization__name"]
    readonly_fields = ["user", "organization", "status", "created_at", "decided_by", "decided_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
