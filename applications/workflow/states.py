"""The application's states, and the groups of them the rules speak of."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.catalog.stages import REVIEW_STAGES, Stage


def _stage(stage: Stage):
    return stage.value, stage.label


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    # The review stages: value and label from the one stage enum.
    UNIT_REVIEW = _stage(Stage.UNIT_REVIEW)
    UNIT_NOTICE = _stage(Stage.UNIT_NOTICE)
    DEPARTMENT_REVIEW = _stage(Stage.DEPARTMENT_REVIEW)
    WINDOW_INTAKE = _stage(Stage.WINDOW_INTAKE)
    BUREAU_APPROVAL = _stage(Stage.BUREAU_APPROVAL)
    COMMITTEE_REVIEW = _stage(Stage.COMMITTEE_REVIEW)
    # Passed the committee's vote; on the public result notice until the bureau files it
    # (核准备案, 人社部令第40号). Not a review stage of a route: it follows COMMITTEE_REVIEW only.
    RESULT_NOTICE = "result_notice", _("评审结果公示")
    APPROVED = "approved", _("已通过，待打证")
    RETURNED = "returned", _("退回修改")
    FAILED = "failed", _("不通过")
    WITHDRAWN = "withdrawn", _("已撤回")


# States in which the applicant may edit the content.
EDITABLE_STATES = (State.DRAFT, State.RETURNED)
# States that end an application; any other counts as open (one open per person, item and title).
CLOSED_STATES = (State.WITHDRAWN, State.FAILED, State.APPROVED)
# Review stages in the design card's fixed order; an item's route is a subset (Item.stages).
REVIEW_STATES = tuple(State(stage.value) for stage in REVIEW_STAGES)
REVIEW_STATE_VALUES = [s.value for s in REVIEW_STATES]
