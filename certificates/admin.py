from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Certificate, CertificateCounter, DocumentJob, Handover, JobStatus, PrintLog


class PrintLogInline(admin.TabularInline):
    model = PrintLog
    extra = 0
    can_delete = False
    fields = ["sequence", "printed_at", "printed_by", "window", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "holder_name", "title_name", "level_name", "obtained_by", "issued_on", "is_void"]
    list_filter = ["is_void", "obtained_by", "year", "authority"]
    search_fields = ["number", "holder_name", "id_number"]
    inlines = [PrintLogInline]
    # Certificates are made by the issuing job and changed only by a reissue: read-only here.
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentJob)
class DocumentJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "attempts", "application", "organization", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in DocumentJob._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("重新生成所选失败的文书"))
    def retry(self, request, queryset):
        # Imported here because tasks.py imports services.py, which the admin imports.
        from .tasks import render_document

        failed = list(queryset.filter(status=JobStatus.FAILED).values_list("pk", flat=True))
        queryset.filter(pk__in=failed).update(status=JobStatus.PENDING, progress=0)
        for pk in failed:
            render_document.delay(pk)
        messages.info(request, _("已重新提交 %(n)d 个任务。") % {"n": len(failed)})


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
