from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.admin_lists import LargeTableAdmin, year_filter

from . import services
from .models import Certificate, CertificateCounter, DocumentJob, Handover, PrintLog


class PrintLogInline(admin.TabularInline):
    model = PrintLog
    extra = 0
    can_delete = False
    fields = ["sequence", "printed_at", "printed_by", "window", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(LargeTableAdmin):
    list_display = ["number", "holder_name", "title_name", "level_name", "obtained_by", "issued_on", "is_void"]
    list_filter = ["is_void", "obtained_by", year_filter("year", _("发证年度")), "authority"]
    search_fields = ["number", "holder_name", "=id_number"]
    inlines = [PrintLogInline]
    # Certificates are made by the issuing job and changed only by a reissue: read-only here.
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentJob)
class DocumentJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "attempts",
        "application",
        "organization",
        "created_at",
        "heartbeat_at",
        "finished_at",
    ]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in DocumentJob._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("重新生成所选失败或卡住的文书"))
    def retry(self, request, queryset):
        # Through the same service as the page's button: the row lock and the checks (failed or
        # stuck only; a job a worker is rendering is not queued a second time).
        retried, refused = 0, 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                services.job_retry(job_id=pk, user=request.user)
            except (ValidationError, PermissionDenied):
                refused += 1
            else:
                retried += 1
        messages.info(request, _("已重新提交 %(n)d 个任务。") % {"n": retried})
        if refused:
            messages.warning(request, _("%(n)d 个任务正在处理或已完成，未重新提交。") % {"n": refused})


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ["certificate", "method", "collected_by", "carrier", "tracking_number", "handed_at"]
    list_filter = ["method"]
    readonly_fields = [f.name for f in Handover._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CertificateCounter)
class CertificateCounterAdmin(admin.ModelAdmin):
    list_display = ["authority", "year", "last_number"]
    readonly_fields = ["authority", "year", "last_number"]

    def has_add_permission(self, request):
        return False
