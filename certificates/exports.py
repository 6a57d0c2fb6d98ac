"""The window's certificate lists as xlsx (waiting to be printed; printed and waiting to be handed
over), exactly the rows the print page lists, streamed (portal.core.spreadsheets). Only window
staff reach these lists, and they check the holder's ID card at the hand-over: the identity is in
full where the window may see it (reviews.exports), every cell is neutralised."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews.exports import identity, sees_personal_data

from . import selectors

LISTS = {
    "print": (gettext_lazy("待打印证书"), selectors.awaiting_print),
    "handover": (gettext_lazy("已打印待发放证书"), selectors.awaiting_handover),
}
MAX_ROWS = 20000


def headers() -> list[str]:
    return [
        _("序号"),
        _("持证人"),
        _("身份证号码"),
        _("手机号码"),
        _("单位"),
        _("事项"),
        _("职称"),
        _("证书编号"),
        _("领取方式"),
        _("快递地址"),
        _("审批时间"),
    ]


def rows(user, which: str):
    full = sees_personal_data(user)
    applications = LISTS[which][1](user)[:MAX_ROWS]
    for number, a in enumerate(applications.iterator(chunk_size=500), start=1):
        certificate = getattr(a, "certificate", None)
        yield [
            number,
            a.applicant.real_name,
            *identity(a.applicant, full_personal_data=full),
            a.unit.name,
            a.item.short_name,
            f"{a.title.name}（{a.level.name}）",
            certificate.number if certificate else "",
            str(_("快递") if a.wants_express else _("窗口领取")),
            a.express_address if a.wants_express else "",
            a.decided_at.date().isoformat() if a.decided_at else "",
        ]
