"""What the applicant reads about where their file is, kept apart from internal state names."""

from django.utils.translation import gettext_lazy as _

from .models import State

APPLICANT_LABELS = {
    State.DRAFT: _("草稿，尚未提交"),
    State.UNIT_REVIEW: _("已提交，等待工作单位审核"),
    State.UNIT_NOTICE: _("单位审核通过，正在单位公示"),
    State.DEPARTMENT_REVIEW: _("单位已推荐，等待主管部门审核"),
    State.WINDOW_INTAKE: _("等待窗口受理：请携带纸质材料原件到政务服务中心人才服务窗口核验"),
    State.BUREAU_APPROVAL: _("窗口已受理，等待人才主管部门审核"),
    State.COMMITTEE_REVIEW: _("电子材料审核通过，等待评审委员会评审"),
    State.RESULT_NOTICE: _("评审委员会评审通过，正在评审结果公示；公示期满无异议后核准备案"),
    State.APPROVED: _("审核通过，等待打印证书"),
    State.RETURNED: _("已退回，请按审核意见修改后重新提交"),
    State.FAILED: _("未通过"),
    State.WITHDRAWN: _("已撤回"),
}


def applicant_label(application) -> str:
    return str(APPLICANT_LABELS.get(application.state, application.get_state_display()))
