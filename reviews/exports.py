"""The reviewer's queue as xlsx, with the page's filters applied, streamed
(portal.core.spreadsheets.xlsx_response). Identity numbers and mobiles are masked unless one of
the reviewer's roles checks identity against paper (the window); every cell is neutralised
against formulas."""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.identity import mask_id_number, mask_mobile
from portal.organizations.models import Role
from portal.organizations.scope import reviewer_memberships

# The window checks the person and their originals against the ID card at the desk.
ROLES_SEEING_PERSONAL_DATA = {Role.WINDOW_STAFF}
# A request writes at most this many rows (about 2 MB); narrower filters export the rest.
MAX_ROWS = 20000


def sees_personal_data(user) -> bool:
    return any(m.role in ROLES_SEEING_PERSONAL_DATA for m in reviewer_memberships(user))


def identity(person, *, full_personal_data: bool) -> list[str]:
    """The ID number and mobile, in full or masked."""
    if full_personal_data:
        return [person.id_number, person.mobile]
    return [mask_id_number(person.id_number), mask_mobile(person.mobile)]


def queue_headers() -> list[str]:
    return [
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


def queue_rows(applications, *, full_personal_data: bool):
    """One row per application, read in chunks (the queryset is never held whole)."""
    for number, a in enumerate(applications[:MAX_ROWS].iterator(chunk_size=500), start=1):
        yield [
            number,
            a.applicant.real_name,
            *identity(a.applicant, full_personal_data=full_personal_data),
            a.unit.name,
            a.item.short_name,
            f"{a.title.name}（{a.level.name}）",
            str(a.get_state_display()),
            timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
            a.acceptance_number,
        ]
