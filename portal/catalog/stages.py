"""The review stages (the one stage enum) and which role reviews each.

An item's route is a subset of these stages in this fixed order (the design card's); the
application's workflow states for the stages take their values and labels from here, so a route
shown in the admin and a state shown on a timeline read the same.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.organizations.models import Role


class Stage(models.TextChoices):
    UNIT_REVIEW = "unit_review", _("单位审核")
    UNIT_NOTICE = "unit_notice", _("单位公示")
    DEPARTMENT_REVIEW = "department_review", _("主管部门审核")
    WINDOW_INTAKE = "window_intake", _("窗口受理初审")
    BUREAU_APPROVAL = "bureau_approval", _("人才主管部门审核")
    COMMITTEE_REVIEW = "committee_review", _("评委会评审")
    CERTIFICATE_ISSUE = "certificate_issue", _("打证发证")


STAGE_ORDER = [stage.value for stage in Stage]

# Who reviews at each stage (certificate issuing is the window's print desk, not a review).
STAGE_ROLE = {
    Stage.UNIT_REVIEW: Role.UNIT_HR,
    Stage.UNIT_NOTICE: Role.UNIT_HR,
    Stage.DEPARTMENT_REVIEW: Role.DEPT_REVIEWER,
    Stage.WINDOW_INTAKE: Role.WINDOW_STAFF,
    Stage.BUREAU_APPROVAL: Role.BUREAU_APPROVER,
    Stage.COMMITTEE_REVIEW: Role.BUREAU_APPROVER,
}
REVIEW_STAGES = tuple(STAGE_ROLE)


def stages_of(role: str) -> list[str]:
    """The stages a role reviews, in route order."""
    return [stage.value for stage, stage_role in STAGE_ROLE.items() if stage_role == role]
