"""What the portal tells people, event by event: who receives it, the variables its templates may
use, and the default Chinese wording. Admins may reword each event (NotificationTemplate); a
template using a variable not listed here is refused when saved (templating.py)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

COMMON = {
    "name": _("收件人姓名"),
    "portal_name": _("平台名称"),
    "url": _("相关页面的链接（可能为空）"),
}
APPLICATION = {
    "applicant": _("申报人姓名"),
    "unit": _("申报单位"),
    "item": _("申报事项（简称）"),
    "series": _("职称系列"),
    "title": _("申报职称"),
    "state": _("当前办理状态（申报人看到的说明）"),
    "opinion": _("本环节的审核意见（可能为空）"),
    "organization": _("办理机构"),
}
WINDOW = {
    "window_name": _("受理窗口名称"),
    "window_address": _("受理窗口地址"),
    "window_phone": _("受理窗口电话"),
}
ITEMS_NOTE = _("列表，每项有 applicant、unit、item、title、stage、since")


@dataclass(frozen=True)
class Event:
    key: str
    label: str
    audience: str
    subject: str
    body: str
    sms: str = ""
    variables: dict = field(default_factory=dict)

    @property
    def all_variables(self) -> dict:
        return {**COMMON, **self.variables}


_EVENTS = [
    Event(
        "application_submitted",
        _("申报已提交"),
        _("申报人：提交或修改后重新提交申报时"),
        "职称申报已提交：{{ title }}",
        "{{ name }}，您好：\n您的职称申报（{{ item }}·{{ title }}）已提交，当前状态：{{ state }}。\n"
        "请留意后续审核通知，可登录平台查看办理进度。",
        "您的职称申报（{{ item }}·{{ title }}）已提交，当前状态：{{ state }}。",
        APPLICATION,
    ),
    Event(
        "application_progressed",
        _("审核通过，进入下一环节"),
        _("申报人：单位、主管部门或人才主管部门审核通过时"),
        "职称申报进度：{{ state }}",
        "{{ name }}，您好：\n您的职称申报（{{ item }}·{{ title }}）已{% if organization %}由{{ organization }}{% endif %}"
        "审核通过，当前状态：{{ state }}。"
        "{% if opinion %}\n审核意见：{{ opinion }}{% endif %}",
        "您的职称申报（{{ item }}·{{ title }}）：{{ state }}。{% if opinion %}审核意见：{{ opinion }}。{% endif %}",
        APPLICATION,
    ),
    Event(
        "application_window_intake",
        _("待窗口受理：携带纸质材料"),
        _("申报人：申报到达窗口受理环节时"),
        "请携带纸质材料到{{ window_name }}核验",
        "{{ name }}，您好：\n您的职称申报（{{ item }}·{{ title }}）已进入窗口受理环节。"
        "请携带纸质材料原件到{{ window_name }}核验"
        "{% if window_address %}，地址：{{ window_address }}{% endif %}"
        "{% if window_phone %}，咨询电话：{{ window_phone }}{% endif %}。"
        "{% if opinion %}\n审核意见：{{ opinion }}{% endif %}",
        "您的职称申报（{{ item }}·{{ title }}）已进入窗口受理环节，请携带纸质材料原件到{{ window_name }}"
        "{% if window_address %}（{{ window_address }}）{% endif %}核验。",
        {**APPLICATION, **WINDOW},
    ),
    Event(
        "application_accepted",
        _("窗口已受理"),
        _("申报人：窗口核对原件并受理时"),
        "职称申报已受理，受理号{{ acceptance_number }}",
        "{{ name }}，您好：\n您的职称申报（{{ item }}·{{ title }}）已由{{ window_name }}受理，"
        "受理号：{{ acceptance_number }}。请妥善保存受理号。\n"
        "纸质材料请送交{{ window_name }}{% if window_address %}（{{ window_address }}）{% endif %}。\n"
        "当前状态：{{ state }}。",
        "您的职称申报（{{ item }}·{{ title }}）已受理，受理号：{{ acceptance_number }}。纸质材料请送交{{ window_name }}"
        "{% if window_address %}（{{ window_address }}）{% endif %}。",
        {**APPLICATION, **WINDOW, "acceptance_number": _("受理号")},
    ),
    Event(
        "application_returned",
        _("退回修改"),
        _("申报人：任一环节退回修改时"),
        "职称申报被退回，请修改后重新提交",
        "{{ name }}，您好：\n您的职称申报（{{ item }}·{{ title }}）在“{{ returned_from }}”环节被退回修改。\n"
        "{% if opinion %}需要修改的内容：{{ opinion }}\n{% endif %}请按审核意见修改后重新提交"
        "{% if deadline %}，申报截止时间为{{ deadline }}{% endif %}。",
        "您的职称申报（{{ item }}·{{ title }}）已退回，请按审核意见修改后重新提交。"
        "{% if opinion %}审核意见：{{ opinion }}。{% endif %}",
        {
            **APPLICATION,
            "returned_from": _("退回的环节"),
            "returns_left": _("剩余可退回次数"),
            "deadline": _("申报截止时间（可能为空）"),
        },
    ),
    Event(
        "application_reset",
        _("流程重置"),
        _("申报人：审核人重置流程、申报回到草稿时"),
        "职称申报已重置为草稿",
        "{{ name }}，您好：\n您的职称申报（{{ item }}·{{ title }}）已被重置为草稿，需重新填报并提交。"
        "{% if opinion %}\n原因：{{ opinion }}{% endif %}",
        "您的职称申报（{{ item }}·{{ title }}）已重置为草稿，请修改后重新提交。{% if opinion %}原因：{{ opinion }}。{% endif %}",
        APPLICATION,
    ),
    Event(
        "application_approved",
        _("审核通过"),
        _("申报人：申报最终通过时"),
        "职称申报审核通过",
        "{{ name }}，您好：\n您的职称申报（{{ item }}·{{ title }}）已审核通过。"
        "{% if opinion %}\n审核意见：{{ opinion }}{% endif %}\n证书制作完成后将另行通知领取方式。",
        "您的职称申报（{{ item }}·{{ title }}）已审核通过，证书制作完成后另行通知。",
        APPLICATION,
    ),
    Event(
        "application_failed",
        _("不通过"),
        _("申报人：申报未通过时"),
        "职称申报未通过",
        "{{ name }}，您好：\n您的职称申报（{{ item }}·{{ title }}）未通过。{% if opinion %}\n意见：{{ opinion }}{% endif %}",
        "您的职称申报（{{ item }}·{{ title }}）未通过。{% if opinion %}意见：{{ opinion }}。{% endif %}",
        APPLICATION,
    ),
    Event(
        "certificate_ready",
        _("证书可领取"),
        _("申报人：证书制作完成、可到现场领取时"),
        "职称证书已制作完成，请领取",
        "{{ name }}，您好：\n您的职称证书（{{ title }}，编号{{ certificate_number }}）已制作完成，"
        "请携带身份证到{{ place }}{% if address %}（{{ address }}）{% endif %}领取。{% if note %}\n{{ note }}{% endif %}",
        "您的职称证书（编号{{ certificate_number }}）已制作完成，请携带身份证到{{ place }}"
        "{% if address %}（{{ address }}）{% endif %}领取。",
        {
            **APPLICATION,
            "certificate_number": _("证书编号"),
            "place": _("领取地点"),
            "address": _("领取地址"),
            "note": _("补充说明（可能为空）"),
        },
    ),
    Event(
        "certificate_posted",
        _("证书已寄出"),
        _("申报人：证书快递寄出时"),
        "职称证书已寄出，运单号{{ tracking_number }}",
        "{{ name }}，您好：\n您的职称证书（{{ title }}，编号{{ certificate_number }}）已通过{{ carrier }}寄出，"
        "运单号：{{ tracking_number }}。{% if express_address %}\n收件地址：{{ express_address }}{% endif %}",
        "您的职称证书（编号{{ certificate_number }}）已通过{{ carrier }}寄出，运单号：{{ tracking_number }}。",
        {
            **APPLICATION,
            "certificate_number": _("证书编号"),
            "carrier": _("快递公司"),
            "tracking_number": _("运单号"),
            "express_address": _("收件地址"),
        },
    ),
    Event(
        "review_digest",
        _("每日待审核汇总"),
        _("审核人：每天一条，列出前一次汇总以来进入其待审核列表的申报"),
        "{{ date }}待审核汇总：新到{{ new_count }}件",
        "{{ name }}，您好：\n截至{{ date }}，有{{ new_count }}件职称申报新进入您的待审核列表，"
        "您目前共有{{ waiting_count }}件待办：\n"
        "{% for row in items %}{{ forloop.counter }}. {{ row.applicant }}（{{ row.unit }}）{{ row.item }}·{{ row.title }}，"
        "{{ row.stage }}，{{ row.since }}到达\n{% endfor %}请登录平台及时办理。",
        "您有{{ new_count }}件职称申报新进入待审核列表（共{{ waiting_count }}件待办），请登录{{ portal_name }}办理。",
        {
            "date": _("汇总日期"),
            "new_count": _("新到件数"),
            "waiting_count": _("待办总件数"),
            "items": ITEMS_NOTE,
        },
    ),
    Event(
        "online_review_reminder",
        _("网络评审催办"),
        _("评审专家：评委会办事机构催办尚未提交的网络评审时"),
        "请尽快完成{{ committee }}的网络评审",
        "{{ name }}，您好：\n您在{{ committee }}尚有{{ count }}份申报未提交网络评审意见，请尽快登录平台完成评审。",
        "您在{{ committee }}尚有{{ count }}份网络评审未提交，请尽快登录{{ portal_name }}完成。",
        {"committee": _("评审委员会"), "count": _("未提交份数")},
    ),
    Event(
        "interview_scheduled",
        _("答辩通知"),
        _("申报人：评委会办事机构安排或变更其答辩时（每次安排一条）"),
        "{% if changed %}答辩时间地点变更{% else %}答辩通知{% endif %}{% if committee %}（{{ committee }}）{% endif %}",
        "{{ name }}，您好：\n{% if changed %}您的答辩安排已变更。{% endif %}请于{{ date }} {{ starts_at }}—{{ ends_at }}"
        "到{{ place }}参加答辩{% if committee %}（{{ committee }}）{% endif %}，请提前到场并携带有效身份证件。",
        "{% if changed %}【答辩变更】{% endif %}请于{{ date }} {{ starts_at }}—{{ ends_at }}到{{ place }}参加答辩"
        "{% if committee %}（{{ committee }}）{% endif %}。",
        {
            "committee": _("评审委员会"),
            "date": _("答辩日期"),
            "starts_at": _("开始时间"),
            "ends_at": _("结束时间"),
            "place": _("答辩地点"),
            "changed": _("是否为变更（真/假）"),
        },
    ),
    Event(
        "stage_overdue",
        _("超期待办提醒"),
        _("审核人：其环节的申报等待超过规定工作日数时（工作日每天一条）"),
        "{{ count }}件职称申报已超过{{ days }}个工作日未办理",
        "{{ name }}，您好：\n以下{{ count }}件职称申报在您的环节已等待超过{{ days }}个工作日，请尽快办理：\n"
        "{% for row in items %}{{ forloop.counter }}. {{ row.applicant }}（{{ row.unit }}）{{ row.item }}·{{ row.title }}，"
        "{{ row.stage }}，{{ row.since }}起已等待{{ row.waited }}个工作日\n{% endfor %}",
        "您有{{ count }}件职称申报已超过{{ days }}个工作日未办理，请尽快登录{{ portal_name }}处理。",
        {
            "days": _("规定工作日数"),
            "count": _("超期件数"),
            "items": _("列表，每项有 applicant、unit、item、title、stage、since、waited"),
        },
    ),
    Event(
        "overdue_summary",
        _("每周超期汇总"),
        _("人才主管部门审批人：每周一，其辖区内各环节超期未办的申报"),
        "{{ week }}超期未办汇总：共{{ total }}件",
        "{{ name }}，您好：\n截至{{ date }}，您辖区内共有{{ total }}件职称申报等待超过{{ days }}个工作日：\n"
        "{% for row in stages %}{{ row.stage }}：{{ row.count }}件\n{% endfor %}"
        "{% if items %}明细：\n{% for row in items %}{{ forloop.counter }}. {{ row.applicant }}（{{ row.unit }}）"
        "{{ row.title }}，{{ row.stage }}，已等待{{ row.waited }}个工作日\n{% endfor %}{% endif %}",
        "",
        {
            "week": _("周次，如“2026年第12周”"),
            "date": _("统计日期"),
            "days": _("规定工作日数"),
            "total": _("超期总件数"),
            "stages": _("列表，每项有 stage、count"),
            "items": _("列表，每项有 applicant、unit、item、title、stage、since、waited"),
        },
    ),
    Event(
        "unit_approved",
        _("单位注册通过"),
        _("单位经办人：单位注册申请通过审核时"),
        "单位注册申请已通过审核",
        "{{ name }}，您好：\n您单位“{{ unit_name }}”的注册申请已通过审核，职工现在可以选择本单位注册申报。",
        "您单位“{{ unit_name }}”的注册申请已通过审核，职工现在可以选择本单位注册申报。",
        {"unit_name": _("单位名称")},
    ),
    Event(
        "unit_rejected",
        _("单位注册未通过"),
        _("单位经办人：单位注册申请未通过审核时"),
        "单位注册申请未通过审核",
        "{{ name }}，您好：\n您单位“{{ unit_name }}”的注册申请未通过审核。\n理由：{{ reason }}\n请修改后重新提交。",
        "您单位“{{ unit_name }}”的注册申请未通过审核，理由：{{ reason }}。请修改后重新提交。",
        {"unit_name": _("单位名称"), "reason": _("不通过的理由")},
    ),
    Event(
        "notice_opened",
        _("开始公示"),
        _("申报人：其所在的单位公示开始时"),
        "您的职称申报已列入单位公示",
        "{{ name }}，您好：\n您的职称申报已由{{ unit }}进行公示（{{ notice_title }}），公示期{{ start_date }}至{{ end_date }}。"
        "\n公示联系人：{{ contact_person }}，电话：{{ phone }}。",
        "您的职称申报已由{{ unit }}进行公示，公示期{{ start_date }}至{{ end_date }}。",
        {
            "unit": _("公示单位"),
            "notice_title": _("公示标题"),
            "start_date": _("公示开始日期"),
            "end_date": _("公示结束日期"),
            "contact_person": _("联系人"),
            "phone": _("联系电话"),
        },
    ),
    Event(
        "notice_changed",
        _("公示期变更"),
        _("申报人及单位经办人：公示期更正，或节假日调整后公示结束日期变化时"),
        "公示“{{ notice_title }}”的公示期已变更",
        "{{ name }}，您好：\n{{ unit }}的公示“{{ notice_title }}”公示期变更为{{ start_date }}至{{ end_date }}"
        "（原为{{ old_start_date }}至{{ old_end_date }}）。\n变更原因：{{ reason }}",
        "{{ unit }}的公示“{{ notice_title }}”公示期变更为{{ start_date }}至{{ end_date }}，原因：{{ reason }}。",
        {
            "unit": _("公示单位"),
            "notice_title": _("公示标题"),
            "start_date": _("公示开始日期"),
            "end_date": _("公示结束日期"),
            "old_start_date": _("原公示开始日期"),
            "old_end_date": _("原公示结束日期"),
            "reason": _("变更原因"),
            "contact_person": _("联系人"),
            "phone": _("联系电话"),
        },
    ),
    Event(
        "notice_withdrawn",
        _("公示已撤回"),
        _("申报人：其所在的单位公示被单位撤回时"),
        "单位公示“{{ notice_title }}”已撤回",
        "{{ name }}，您好：\n{{ unit }}已撤回公示“{{ notice_title }}”。\n撤回原因：{{ reason }}\n"
        "您的申报回到待公示环节，单位将重新安排公示。",
        "{{ unit }}已撤回公示“{{ notice_title }}”，原因：{{ reason }}。您的申报回到待公示环节。",
        {
            "unit": _("公示单位"),
            "notice_title": _("公示标题"),
            "reason": _("撤回原因"),
            "contact_person": _("联系人"),
            "phone": _("联系电话"),
            "start_date": _("公示开始日期"),
            "end_date": _("公示结束日期"),
        },
    ),
    Event(
        "notice_closed",
        _("公示期结束"),
        _("申报人：其所在的单位公示期满时"),
        "单位公示期已结束",
        "{{ name }}，您好：\n{{ unit }}的公示“{{ notice_title }}”已于{{ end_date }}结束，单位将登记公示结果并办理后续手续。",
        "您所在的单位公示已于{{ end_date }}结束，单位将登记公示结果并办理后续手续。",
        {"unit": _("公示单位"), "notice_title": _("公示标题"), "end_date": _("公示结束日期")},
    ),
    Event(
        "notice_ending",
        _("公示即将结束"),
        _("单位经办人：本单位公示的最后一天或前一天"),
        "公示“{{ notice_title }}”将于{{ end_date }}结束",
        "{{ name }}，您好：\n本单位的公示“{{ notice_title }}”（{{ count }}人）将于{{ end_date }}结束，"
        "请在公示期满后登记公示结果，无异议的及时推荐上报。",
        "",
        {"notice_title": _("公示标题"), "end_date": _("公示结束日期"), "count": _("公示人数")},
    ),
    Event(
        "window_closing",
        _("申报即将截止"),
        _("申报人：有未提交的草稿（或退回待改）而申报时间窗口将在7天、1天内截止时"),
        "{{ window_name }}将于{{ closes_at }}截止，您的申报尚未提交",
        "{{ name }}，您好：\n您的职称申报（{{ item }}·{{ title }}）尚未提交。{{ window_name }}将于{{ closes_at }}截止"
        "（约剩{{ days_left }}天），截止后网上申报系统关闭，不再开放。请尽快完成并提交。",
        "您的职称申报（{{ item }}·{{ title }}）尚未提交，{{ window_name }}将于{{ closes_at }}截止，截止后不再开放，请尽快提交。",
        {
            **APPLICATION,
            "window_name": _("申报时间窗口名称"),
            "committee": _("评委会（可能为空）"),
            "closes_at": _("截止时间"),
            "days_left": _("剩余天数"),
        },
    ),
    Event(
        "unit_message",
        _("单位发送的信息"),
        _("单位人员：单位人事经办人在“发送信息”中给本单位人员发信息时"),
        "{{ unit }}：{{ topic }}",
        "{{ name }}，您好：\n{{ message }}\n——{{ unit }}{% if sender %}（{{ sender }}）{% endif %}",
        "",
        {
            "unit": _("发送信息的单位"),
            "sender": _("发送人姓名"),
            "topic": _("信息标题"),
            "message": _("信息内容"),
        },
    ),
]

EVENTS: dict[str, Event] = {event.key: event for event in _EVENTS}


def get(key: str) -> Event:
    try:
        return EVENTS[key]
    except KeyError:
        raise ValueError(f"unknown notification event {key!r}") from None
