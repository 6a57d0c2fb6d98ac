"""The session's audit trail as xlsx (会议全过程记录): the draws (seed, candidates, exclusions with
reasons, result, replacement), the roll call, every act of the meeting in order, and the signed
results with the rule they were judged by. Never a ballot's content, never a full ID number or
mobile; every cell neutralised against formulas."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.core.spreadsheets import neutralised_row

from . import draws, meetings
from .models import CommitteeResult, Expert


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def session_trail_xlsx(session, *, reasons) -> bytes:
    names = dict(Expert.objects.filter(organizer=session.committee.organizer).values_list("pk", "user__real_name"))
    book = Workbook(write_only=True)

    sheet = book.create_sheet(_("抽取记录"))
    sheet.append(
        neutralised_row(
            [
                _("时间"),
                _("操作人"),
                _("随机种子"),
                _("抽取人数"),
                _("候选专家"),
                _("回避排除"),
                _("抽取结果"),
                _("补抽替换"),
                _("按种子复核"),
            ]
        )
    )
    for draw in session.draws.select_related("drawn_by", "replacing__user").order_by("id"):
        sheet.append(
            neutralised_row(
                [
                    _when(draw.drawn_at),
                    draw.drawn_by.real_name,
                    draw.seed,
                    draw.number,
                    "、".join(str(names.get(pk, pk)) for pk in draw.candidates),
                    "、".join(
                        f"{names.get(e['expert'], e['expert'])}（{reasons.get(e['reason'], e['reason'])}）"
                        for e in draw.exclusions
                    ),
                    "、".join(str(names.get(pk, pk)) for pk in draw.drawn),
                    draw.replacing.user.real_name if draw.replacing else "",
                    _("一致") if draws.draw_replay(draw) else _("不一致"),
                ]
            )
        )

    sheet = book.create_sheet(_("专家与签到"))
    sheet.append(neutralised_row([_("专家"), _("工作单位"), _("状态"), _("签到"), _("签到登记时间")]))
    for member in draws.experts_of_session(session):
        attended = {True: _("出席"), False: _("缺席"), None: ""}[member.present]
        sheet.append(
            neutralised_row(
                [
                    member.expert.user.real_name,
                    member.expert.unit.name,
                    member.get_status_display(),
                    attended,
                    _when(member.attendance_recorded_at),
                ]
            )
        )

    sheet = book.create_sheet(_("会议记录"))
    sheet.append(neutralised_row([_("时间"), _("操作人"), _("操作"), _("内容")]))
    for event in session.events.select_related("actor").order_by("at", "id"):
        label = meetings.EVENT_LABELS.get(event.action, event.action)
        sheet.append(neutralised_row([_when(event.at), event.actor.real_name, str(label), event.detail]))

    sheet = book.create_sheet(_("评审结果"))
    sheet.append(
        neutralised_row(
            [
                _("申报人"),
                _("应到"),
                _("有表决权的出席委员"),
                _("同意"),
                _("不同意"),
                _("弃权（含未投）"),
                _("通过比例"),
                _("结果"),
                _("签发人"),
                _("签发时间"),
            ]
        )
    )
    for result in CommitteeResult.objects.filter(session=session).select_related(
        "application__applicant", "recorded_by"
    ):
        sheet.append(
            neutralised_row(
                [
                    result.application.applicant.real_name,
                    result.members,
                    result.present,
                    result.votes_for,
                    result.votes_against,
                    result.abstentions,
                    f"{result.pass_numerator}/{result.pass_denominator}",
                    _("通过") if result.passed else _("未通过"),
                    result.recorded_by.real_name,
                    _when(result.recorded_at),
                ]
            )
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
