"""The reviewer's queue as xlsx, with the page's filters applied. Identity numbers and mobiles are
masked unless one of the reviewer's roles checks identity against paper (the window); every cell
is neutralised against formulas."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.core.identity import mask_id_number, mask_mobile
from portal.core.spreadsheets import neutralised_row
from portal.organizations.models import Role
from portal.organizations.scope import reviewer_memberships

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The window checks the person and their originals against the ID card at the desk.
ROLES_SEEING_PERSONAL_DATA = {Role.WINDOW_STAFF}
MAX_ROWS = 20000


def sees_personal_data(user) -> bool:
    return any(m.role in ROLES_SEEING_PERSONAL_DATA for m in reviewer_memberships(user))


def queue_xlsx(applications, *, full_personal_data: bool) -> bytes:
    headers = [
        _("序号"),
        _("申报人"),
        _("身份证号码"),
        _("手机号码"),
        _("单位"),
        _("事项"),
        _("申报职称"),
        _("状态"),
        _("提交时间"),
        _("受理号"),
    ]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("审核列表"))
    sheet.append(headers)
    for number, a in enumerate(applications[:MAX_ROWS].iterator(chunk_size=500), start=1):
        person = a.applicant
        sheet.append(
            neutralised_row(
                [
                    number,
                    person.real_name,
                    person.id_number if full_personal_data else mask_id_number(person.id_number),
                    person.mobile if full_personal_data else mask_mobile(person.mobile),
                    a.unit.name,
                    a.item.short_name,
                    f"{a.title.name}（{a.level.name}）",
                    str(a.get_state_display()),
                    timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
                    a.acceptance_number,
                ]
            )
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
