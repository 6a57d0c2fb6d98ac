"""The audit log in the admin: read only, filterable, exportable to xlsx (cells neutralised)."""

from io import BytesIO

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from portal.core.admin_lists import LargeTableAdmin
from portal.core.spreadsheets import neutralised_row

from .models import AuditEvent

EXPORT_COLUMNS = [
    _("时间"),
    _("操作人"),
    _("操作"),
    _("涉及人员"),
    _("对象类型"),
    _("对象编号"),
    _("来源地址"),
    _("请求编号"),
]


@admin.register(AuditEvent)
class AuditEventAdmin(LargeTableAdmin):
    list_display = ["at", "actor", "action", "subject", "object_type", "object_id", "address", "request_id"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["request_id", "object_id", "address"]
    list_select_related = ["actor", "subject"]
    date_hierarchy = "at"
    actions = ["export_xlsx"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("导出所选审计记录（xlsx）"))
    def export_xlsx(self, request, queryset):
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(_("审计记录")))
        sheet.append([str(c) for c in EXPORT_COLUMNS])
        for event in queryset.select_related("actor", "subject").order_by("at", "id").iterator(chunk_size=2000):
            sheet.append(
                neutralised_row(
                    [
                        timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                        event.actor.real_name if event.actor else "",
                        event.get_action_display(),
                        event.subject.real_name if event.subject else "",
                        event.object_type,
                        event.object_id,
                        event.address,
                        event.request_id,
                    ]
                )
            )
        buffer = BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="audit-log.xlsx"'
        return response
