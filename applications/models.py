"""The application (申报) and what it holds: sections, materials, the integrity commitment.

The filing pages edit these rows while the application is a draft (or returned for changes);
submission freezes them into `Application.filed_content` and hands over to the workflow.
"""

import uuid

from django.conf import settings
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from django_fsm.signals import post_transition

from portal.catalog.models import (
    ApplicationWindow,
    Committee,
    Item,
    Level,
    MaterialRequirement,
    ObtainedBy,
    Series,
    TitleName,
)
from portal.core.encrypted_fields import BlindIndexedModel, BlindIndexField, EncryptedCharField, EncryptedJSONField
from portal.organizations.models import Organization

from .draft_inputs import DraftInput  # noqa: F401  (registered with the app's models)
from .workflow.permissions import can_act_now, can_conclude_committee, can_record_offline, is_applicant
from .workflow.records import AcceptanceCounter, Action, ReviewRecord
from .workflow.states import (
    CLOSED_STATES,
    EDITABLE_STATES,
    REVIEW_STATE_VALUES,
    REVIEW_STATES,
    State,
)

__all__ = [
    "CLOSED_STATES",
    "EDITABLE_STATES",
    "REVIEW_STATES",
    "REVIEW_STATE_VALUES",
    "AcceptanceCounter",
    "Action",
    "ReviewRecord",
    "State",
]


# The waiting states of each reviewing role's queue (workflow.permissions.waiting_states), named for
# the queue indexes below; tests/test_queue_performance.py checks they match waiting_states(role).
QUEUE_STATES = {
    "unit": [State.UNIT_REVIEW.value, State.UNIT_NOTICE.value],
    "department": [State.DEPARTMENT_REVIEW.value],
    "window": [State.WINDOW_INTAKE.value],
    "bureau": [State.BUREAU_APPROVAL.value, State.COMMITTEE_REVIEW.value, State.RESULT_NOTICE.value],
}


def _under_return_limit(application) -> bool:
    return application.return_count < settings.WORKFLOW_RETURN_LIMIT


def _accepted_this_year(application) -> bool:
    """Kunming: after 3 returns of a unit's recommendation the file is not accepted again this year."""
    return application.upper_return_count < settings.WORKFLOW_UNIT_RETURN_LIMIT


def _notice_passed(application) -> bool:
    """A notice opened since the last submission ended with no objection upheld against this
    applicant (an older notice does not count; another person's upheld objection does not either)."""
    notice = application.current_notice
    return (
        notice is not None
        and application.submitted_at is not None
        and notice.created_at >= application.submitted_at
        and notice.passed(application)
    )


# reviews.models.NoticeKind.RESULT: the committee's result notice (评审结果公示) is a public notice
# of the reviews app, read here through the reverse relation only (tests check the two agree).
RESULT_NOTICE_KIND = "result"


def _latest_result_notice(application):
    return application.notices.filter(kind=RESULT_NOTICE_KIND).order_by("-created_at", "-id").first()


def _result_notice_passed(application) -> bool:
    """The result notice has ended and been concluded with no objection upheld against this
    applicant: only then may the bureau file the result (核准备案)."""
    notice = _latest_result_notice(application)
    return notice is not None and notice.passed(application)


def _result_objection_upheld(application) -> bool:
    notice = _latest_result_notice(application)
    return notice is not None and notice.concluded_at is not None and not notice.passed(application)


class Application(ConcurrentTransitionMixin, models.Model):
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报人")
    )
    unit = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报单位")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="applications", verbose_name=_("事项"))
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="+", verbose_name=_("系列"))
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("层级"))
    title = models.ForeignKey(TitleName, on_delete=models.PROTECT, related_name="+", verbose_name=_("申报职称"))
    # The speciality within the series (工程 → 通信, 计算机 …), as the applicant names it at the
    # start: where a speciality is exam-only (以考代评) it cannot be obtained by recognition.
    speciality = models.CharField(_("申报专业"), max_length=50, blank=True)
    committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("评委会"),
    )
    window = models.ForeignKey(
        ApplicationWindow,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("申报时间窗口"),
    )
    year = models.PositiveSmallIntegerField(_("申报年度"))
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True)
    route = models.JSONField(_("办理环节"), default=list, blank=True, help_text=_("提交时按事项配置确定的审核环节。"))
    returned_from = models.CharField(_("退回环节"), max_length=30, blank=True)
    return_count = models.PositiveSmallIntegerField(_("退回及重置次数"), default=0)
    upper_return_count = models.PositiveSmallIntegerField(_("单位推荐被退回次数"), default=0)
    acceptance_number = models.CharField(_("受理号"), max_length=40, blank=True, db_index=True)
    acceptance_window = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理窗口")
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    wants_express = models.BooleanField(_("证书是否快递"), default=False)
    express_address = models.CharField(_("快递地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("最后保存"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # When it entered its current state (every transition sets it, see _stamp_stage_entered): the
    # queues' "longest waiting" order reads it from an index instead of each row's last record.
    stage_entered_at = models.DateTimeField(_("进入当前环节时间"), null=True, blank=True, editable=False)
    # Encrypted at rest as one document (ID number, mobile and everything else filed).
    filed_content = EncryptedJSONField(_("提交时的申报内容"), null=True, blank=True, editable=False)
    # A copy of the profile photo as it was at submission: the person's profile (one per person)
    # may change for a later draft; what was filed may not.
    filed_photo = models.FileField(_("提交时的证件照"), upload_to="filed/photos/", blank=True, editable=False)
    eligibility = models.JSONField(_("资格审查结果"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("职称申报")
        verbose_name_plural = _("职称申报")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "item", "title"],
                condition=~models.Q(state__in=["withdrawn", "failed", "approved"]),
                name="application_one_open_per_item_and_title",
            ),
            models.UniqueConstraint(
                fields=["acceptance_window", "acceptance_number"],
                condition=~models.Q(acceptance_number=""),
                name="application_unique_acceptance_number_per_window",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "item"]),
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state", "submitted_at"]),
            # The review queues read their first page in (submitted_at, id) order: one partial
            # index per reviewing role's waiting states, one for "all filed" (docs/BENCHMARKS.md).
            *[
                models.Index(
                    fields=["submitted_at", "id"],
                    condition=models.Q(state__in=states),
                    name=f"application_queue_{name}",
                )
                for name, states in QUEUE_STATES.items()
            ],
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(submitted_at__isnull=False),
                name="application_queue_filed",
            ),
            # "Longest waiting" (reviews.selectors.review_queue): the same queues in (stage_entered_at, id).
            *[
                models.Index(
                    fields=["stage_entered_at", "id"],
                    condition=models.Q(state__in=states),
                    name=f"application_waiting_{name}",
                )
                for name, states in QUEUE_STATES.items()
            ],
            models.Index(
                fields=["stage_entered_at", "id"],
                condition=models.Q(submitted_at__isnull=False),
                name="application_waiting_filed",
            ),
            # The admin's changelist order (Meta.ordering, with the pk the admin adds) and its year filter.
            models.Index(fields=["created_at", "id"], name="application_created_order"),
            models.Index(fields=["year"], name="application_year"),
        ]

    def __str__(self):
        return f"{self.applicant.real_name} · {self.item.short_name} · {self.title.name}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def returns_left(self) -> int:
        return max(settings.WORKFLOW_RETURN_LIMIT - self.return_count, 0)

    @property
    def current_notice(self):
        """The unit public notice this application is in (set by the reviews app), if any."""
        entries = getattr(self, "_prefetched_notices", None)
        if entries is None:
            # A withdrawn notice ("withdrawn", reviews.models.NoticeResult) never counts: its
            # people are back to awaiting one.
            entries = list(self.notices.exclude(result="withdrawn").order_by("-start_date", "-id")[:1])
        return entries[0] if entries else None

    def next_stage(self, after: str) -> str:
        """The review stage after `after` on this application's route, or APPROVED at its end."""
        stages = [s for s in self.route if s in REVIEW_STATE_VALUES]
        if after in stages:
            following = stages[stages.index(after) + 1 :]
            return following[0] if following else State.APPROVED
        return stages[0] if stages else State.APPROVED

    # --- transitions: each changes fields only; applications.workflow.services fires them (lock,
    # audit, events). `permission=` says who may fire, from applications.workflow.permissions.

    @transition(
        field=state,
        source=[State.DRAFT, State.RETURNED],
        target=RETURN_VALUE(*REVIEW_STATE_VALUES, State.APPROVED),
        conditions=[_accepted_this_year],
        permission=is_applicant,
    )
    def submit(self, *, content: dict, eligibility: dict, route: list[str]):
        self.filed_content = content
        self.eligibility = eligibility
        self.submitted_at = timezone.now()
        if self.state == State.RETURNED and self.returned_from in route:
            target = self.returned_from
        else:
            self.route = route
            target = self.next_stage(after="")
        self.returned_from = ""
        return target

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.WINDOW_INTAKE,
        permission=lambda app, user: can_record_offline(user, app),
    )
    def record_offline(self, *, content: dict, route: list[str]):
        """Offline-only items (certificate transition): the window enters the paper file itself."""
        self.filed_content = content
        self.submitted_at = timezone.now()
        self.route = route

    @transition(
        field=state,
        source=State.UNIT_REVIEW,
        target=RETURN_VALUE(*REVIEW_STATE_VALUES, State.APPROVED),
        permission=can_act_now,
    )
    def unit_recommend(self):
        return self.next_stage(after=State.UNIT_REVIEW)

    @transition(
        field=state,
        source=State.UNIT_NOTICE,
        target=RETURN_VALUE(*REVIEW_STATE_VALUES, State.APPROVED),
        conditions=[_notice_passed],
        permission=can_act_now,
    )
    def notice_recommend(self):
        return self.next_stage(after=State.UNIT_NOTICE)

    @transition(
        field=state,
        source=State.DEPARTMENT_REVIEW,
        target=RETURN_VALUE(*REVIEW_STATE_VALUES, State.APPROVED),
        permission=can_act_now,
    )
    def department_pass(self):
        return self.next_stage(after=State.DEPARTMENT_REVIEW)

    @transition(
        field=state,
        source=State.WINDOW_INTAKE,
        target=RETURN_VALUE(*REVIEW_STATE_VALUES, State.APPROVED),
        permission=can_act_now,
    )
    def window_accept(self, *, window, acceptance_number: str):
        self.acceptance_window = window
        self.acceptance_number = acceptance_number
        self.accepted_at = timezone.now()
        return self.next_stage(after=State.WINDOW_INTAKE)

    @transition(
        field=state,
        source=State.BUREAU_APPROVAL,
        target=RETURN_VALUE(*REVIEW_STATE_VALUES, State.APPROVED),
        permission=can_act_now,
    )
    def bureau_approve(self):
        target = self.next_stage(after=State.BUREAU_APPROVAL)
        if target == State.APPROVED:
            self.decided_at = timezone.now()
        return target

    @transition(
        field=state,
        source=State.COMMITTEE_REVIEW,
        target=RETURN_VALUE(State.RESULT_NOTICE, State.FAILED),
        permission=can_conclude_committee,
    )
    def committee_conclude(self, *, passed: bool):
        """A pass goes on the public result notice; only the bureau's filing approves it."""
        if passed:
            return State.RESULT_NOTICE
        self.decided_at = timezone.now()
        return State.FAILED

    @transition(
        field=state,
        source=State.RESULT_NOTICE,
        target=State.APPROVED,
        conditions=[_result_notice_passed],
        permission=can_act_now,
    )
    def result_file(self):
        """核准备案: the result notice ended with no objection upheld against this applicant."""
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=State.RESULT_NOTICE,
        target=State.FAILED,
        conditions=[_result_objection_upheld],
        permission=can_act_now,
    )
    def result_reject(self):
        """不予核准备案: an objection against this applicant was upheld on the result notice."""
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=REVIEW_STATE_VALUES,
        target=State.RETURNED,
        conditions=[_under_return_limit],
        permission=can_act_now,
    )
    def return_for_changes(self):
        if self.state not in (State.UNIT_REVIEW, State.UNIT_NOTICE):
            self.upper_return_count += 1
        self.returned_from = self.state
        self.return_count += 1

    @transition(
        field=state,
        source=REVIEW_STATE_VALUES,
        target=State.DRAFT,
        conditions=[_under_return_limit],
        permission=can_act_now,
    )
    def reset(self):
        self.returned_from = ""
        self.return_count += 1
        self.route = []

    @transition(
        field=state,
        source=REVIEW_STATE_VALUES,
        target=State.FAILED,
        permission=can_act_now,
    )
    def fail(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=[State.DRAFT, State.RETURNED, *REVIEW_STATE_VALUES],
        target=State.WITHDRAWN,
        permission=is_applicant,
    )
    def withdraw(self):
        self.decided_at = timezone.now()


@receiver(post_transition, sender=Application)
def _stamp_stage_entered(sender, instance, name, source, target, **kwargs):
    """Every transition (django-fsm sends this once the state has changed, before the save that
    the workflow service makes) starts the clock of the state it entered. One place for all of
    them, so a new transition cannot forget it."""
    instance.stage_entered_at = timezone.now()


class Profile(models.Model):
    """Personal data kept with the account and reused by every application."""

    class Politics(models.TextChoices):
        CPC = "cpc", _("中共党员")
        PROBATIONARY = "probationary", _("中共预备党员")
        CYL = "cyl", _("共青团员")
        OTHER_PARTY = "other_party", _("民主党派")
        NONE = "masses", _("群众")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("用户")
    )
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    politics = models.CharField(_("政治面貌"), max_length=20, choices=Politics.choices, blank=True)
    photo = models.FileField(_("证件照"), upload_to="photos/", blank=True)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    post = models.CharField(_("现任岗位"), max_length=100, blank=True)
    work_start_date = models.DateField(_("参加工作时间"), null=True, blank=True)
    is_civil_servant = models.BooleanField(_("是否公务员（参公管理人员）"), default=False)
    is_retired = models.BooleanField(_("是否已退休"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("个人资料")
        verbose_name_plural = _("个人资料")

    def __str__(self):
        return str(self.user)


class CurrentTitle(models.Model):
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="current_title")
    has_title = models.BooleanField(_("是否已有职称"), default=True)
    series_name = models.CharField(_("系列"), max_length=50, blank=True)
    level = models.ForeignKey(Level, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("层级"))
    title_name = models.CharField(_("职称名称"), max_length=50, blank=True)
    obtained_on = models.DateField(_("取得时间"), null=True, blank=True)
    obtained_by = models.CharField(_("取得方式"), max_length=20, blank=True, choices=ObtainedBy.choices)
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)
    issuing_authority = models.CharField(_("发证机关"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("现有职称")
        verbose_name_plural = _("现有职称")

    def __str__(self):
        return self.title_name or str(_("无"))


class RecordRow(models.Model):
    """A row of the person's record (个人业务档案): kept once per person, not per application.
    Each application selects the rows it uses (the `applications` many-to-many of each concrete
    model); submission freezes the selected rows into `Application.filed_content`. A unit or
    window reviewer who checked the original sets `verified_*`; an edit clears it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("本人")
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("核验人"),
    )
    verified_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("核验单位")
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Education(RecordRow):
    class Degree(models.IntegerChoices):
        ZHONGZHUAN = 1, _("中专")
        DAZHUAN = 2, _("大专")
        BENKE = 3, _("本科")
        SHUANGXUESHI = 4, _("双学士")
        SHUOSHI = 5, _("硕士研究生")
        BOSHI = 6, _("博士研究生")

    applications = models.ManyToManyField(
        Application, blank=True, related_name="educations", verbose_name=_("用于申报")
    )
    degree = models.PositiveSmallIntegerField(_("学历"), choices=Degree.choices)
    academic_degree = models.CharField(_("学位"), max_length=20, blank=True)
    school = models.CharField(_("毕业院校"), max_length=100)
    major = models.CharField(_("专业"), max_length=100)
    start_date = models.DateField(_("入学时间"))
    graduation_date = models.DateField(_("毕业时间"))
    chsi_code = models.CharField(_("学信网在线验证码"), max_length=30, blank=True)
    full_time = models.BooleanField(_("全日制"), default=True)

    class Meta:
        verbose_name = _("学历学位")
        verbose_name_plural = _("学历学位")
        ordering = ["graduation_date", "id"]

    def __str__(self):
        return f"{self.school} {self.get_degree_display()}"


class StudyHistory(RecordRow):
    applications = models.ManyToManyField(Application, blank=True, related_name="studies", verbose_name=_("用于申报"))
    start_date = models.DateField(_("开始时间"))
    end_date = models.DateField(_("结束时间"))
    school = models.CharField(_("学校"), max_length=100)
    stage = models.CharField(_("学习阶段"), max_length=30, help_text=_("如：高中、大学本科"))

    class Meta:
        verbose_name = _("学习经历")
        verbose_name_plural = _("学习经历")
        ordering = ["start_date", "id"]

    def __str__(self):
        return self.school


class WorkHistory(RecordRow):
    applications = models.ManyToManyField(Application, blank=True, related_name="jobs", verbose_name=_("用于申报"))
    start_date = models.DateField(_("开始时间"))
    end_date = models.DateField(_("结束时间"), null=True, blank=True, help_text=_("现任岗位不填"))
    employer = models.CharField(_("工作单位"), max_length=100)
    post = models.CharField(_("岗位/职务"), max_length=100)
    is_professional = models.BooleanField(_("从事专业技术工作"), default=True)
    gap_explanation = models.CharField(
        _("与上一段经历间断的说明"), max_length=200, blank=True, help_text=_("与上一段工作经历不连续时必填")
    )

    class Meta:
        verbose_name = _("工作经历")
        verbose_name_plural = _("工作经历")
        ordering = ["start_date", "id"]

    def __str__(self):
        return self.employer


class Statement(models.Model):
    """Free-text sections: the professional work summary and the main professional work."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", _("专业技术工作总结")
        MAIN_WORK = "main_work", _("主要专业技术工作")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(_("内容"))

    class Meta:
        verbose_name = _("工作陈述")
        verbose_name_plural = _("工作陈述")
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="statement_one_per_kind")]

    def __str__(self):
        return self.get_kind_display()


class Project(RecordRow):
    applications = models.ManyToManyField(Application, blank=True, related_name="projects", verbose_name=_("用于申报"))
    representative_in = models.ManyToManyField(
        Application, blank=True, related_name="representative_projects", verbose_name=_("作为代表作的申报")
    )
    name = models.CharField(_("课题/项目名称"), max_length=200)
    source = models.CharField(_("项目来源"), max_length=100, blank=True)
    role = models.CharField(_("本人角色"), max_length=50, help_text=_("如：主持、第二完成人"))
    start_date = models.DateField(_("开始时间"))
    end_date = models.DateField(_("结束时间"), null=True, blank=True)
    funding = models.DecimalField(_("经费（万元）"), max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("课题项目")
        verbose_name_plural = _("课题项目")
        ordering = ["start_date", "id"]

    def __str__(self):
        return self.name


class Patent(RecordRow):
    applications = models.ManyToManyField(Application, blank=True, related_name="patents", verbose_name=_("用于申报"))
    representative_in = models.ManyToManyField(
        Application, blank=True, related_name="representative_patents", verbose_name=_("作为代表作的申报")
    )
    name = models.CharField(_("专利名称"), max_length=200)
    number = models.CharField(_("专利号"), max_length=50)
    kind = models.CharField(_("专利类型"), max_length=20, help_text=_("发明、实用新型、外观设计"))
    granted_on = models.DateField(_("授权日期"))
    rank = models.PositiveSmallIntegerField(_("本人排名"))

    class Meta:
        verbose_name = _("专利")
        verbose_name_plural = _("专利")
        ordering = ["granted_on", "id"]

    def __str__(self):
        return self.name


class Award(RecordRow):
    applications = models.ManyToManyField(Application, blank=True, related_name="awards", verbose_name=_("用于申报"))
    representative_in = models.ManyToManyField(
        Application, blank=True, related_name="representative_awards", verbose_name=_("作为代表作的申报")
    )
    name = models.CharField(_("奖项名称"), max_length=200)
    grade = models.CharField(_("等级"), max_length=50, help_text=_("如：省部级二等奖"))
    awarded_by = models.CharField(_("授奖单位"), max_length=100)
    awarded_on = models.DateField(_("获奖时间"))
    rank = models.PositiveSmallIntegerField(_("本人排名"))

    class Meta:
        verbose_name = _("获奖")
        verbose_name_plural = _("获奖")
        ordering = ["awarded_on", "id"]

    def __str__(self):
        return self.name


class Book(RecordRow):
    applications = models.ManyToManyField(Application, blank=True, related_name="books", verbose_name=_("用于申报"))
    representative_in = models.ManyToManyField(
        Application, blank=True, related_name="representative_books", verbose_name=_("作为代表作的申报")
    )
    title = models.CharField(_("著作名称"), max_length=200)
    publisher = models.CharField(_("出版社"), max_length=100)
    published_on = models.DateField(_("出版时间"))
    role = models.CharField(_("本人角色"), max_length=50, help_text=_("如：主编、参编"))
    words = models.PositiveIntegerField(_("本人撰写字数（万字）"), null=True, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("著作")
        verbose_name_plural = _("著作")
        ordering = ["published_on", "id"]

    def __str__(self):
        return self.title


class Paper(RecordRow):
    applications = models.ManyToManyField(Application, blank=True, related_name="papers", verbose_name=_("用于申报"))
    representative_in = models.ManyToManyField(
        Application, blank=True, related_name="representative_papers", verbose_name=_("作为代表作的申报")
    )
    title = models.CharField(_("论文题目"), max_length=200)
    journal = models.CharField(_("刊物名称"), max_length=100)
    issue = models.CharField(_("期号"), max_length=50, help_text=_("如：2024年第3期"))
    published_on = models.DateField(_("发表时间"))
    rank = models.PositiveSmallIntegerField(_("本人排名"))
    issn = models.CharField(_("ISSN/CN刊号"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("论文")
        verbose_name_plural = _("论文")
        ordering = ["published_on", "id"]

    def __str__(self):
        return self.title


class ContinuingEducation(RecordRow):
    applications = models.ManyToManyField(Application, blank=True, related_name="trainings", verbose_name=_("用于申报"))
    year = models.PositiveSmallIntegerField(_("年度"))
    total_hours = models.PositiveSmallIntegerField(_("总学时"))
    public_hours = models.PositiveSmallIntegerField(_("其中公需科目学时"))
    provider = models.CharField(_("培训机构/平台"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("继续教育")
        verbose_name_plural = _("继续教育")
        ordering = ["year", "id"]

    def __str__(self):
        return f"{self.year}"


class Assessment(RecordRow):
    class Result(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        COMPETENT = "competent", _("合格（称职）")
        BASIC = "basic", _("基本合格（基本称职）")
        INCOMPETENT = "incompetent", _("不合格（不称职）")

    applications = models.ManyToManyField(
        Application, blank=True, related_name="assessments", verbose_name=_("用于申报")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    result = models.CharField(_("考核结果"), max_length=20, choices=Result.choices)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["year", "id"]

    def __str__(self):
        return f"{self.year} {self.get_result_display()}"


class Exam(RecordRow):
    applications = models.ManyToManyField(Application, blank=True, related_name="exams", verbose_name=_("用于申报"))
    name = models.CharField(_("考试名称"), max_length=100, help_text=_("如：职称外语、计算机应用能力"))
    taken_on = models.DateField(_("考试时间"))
    score = models.CharField(_("成绩/等级"), max_length=20)
    certificate_number = models.CharField(_("合格证编号"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("考试")
        verbose_name_plural = _("考试")
        ordering = ["taken_on", "id"]

    def __str__(self):
        return self.name


class Commitment(models.Model):
    """The integrity commitment (承诺书): which text version was confirmed, and when."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="commitment")
    text_version = models.CharField(_("承诺书版本"), max_length=20)
    text = models.TextField(_("承诺书内容"))
    confirmed_at = models.DateTimeField(_("确认时间"), default=timezone.now)

    class Meta:
        verbose_name = _("诚信承诺")
        verbose_name_plural = _("诚信承诺")

    def __str__(self):
        return f"{self.text_version} · {self.confirmed_at:%Y-%m-%d %H:%M}"


def material_path(instance, filename):
    # Server-made name: nothing of the uploader's file name reaches the storage path.
    return f"materials/{instance.application_id}/{uuid.uuid4().hex}{instance.extension}"


class Material(models.Model):
    """One uploaded file, for a required material slot or as an extra material."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    requirement = models.ForeignKey(
        MaterialRequirement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uploads",
        verbose_name=_("材料要求"),
    )
    name = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to=material_path, max_length=200)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("原文件名"), max_length=255)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["requirement__order", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"],
                condition=models.Q(requirement__isnull=False),
                name="material_one_upload_per_slot",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name the applicant sees and downloads: the material's name, e.g. 身份证复印件.pdf."""
        return f"{self.name}{self.extension}"


class Blacklist(BlindIndexedModel):
    """Integrity blacklist: a title revoked for fraud bars the person for 3 years (Kunming §一)."""

    id_number = EncryptedCharField(_("身份证号码"), max_length=18, blind_index="id_number_index")
    id_number_index = BlindIndexField(source="id_number", kind="id_number", db_index=True)
    real_name = models.CharField(_("姓名"), max_length=50)
    reason = models.TextField(_("原因"))
    decided_on = models.DateField(_("处理决定日期"))
    ends_on = models.DateField(_("限制截止日期"), help_text=_("默认为决定日期后3年"))
    decided_by = models.CharField(_("决定机关"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("诚信黑名单")
        verbose_name_plural = _("诚信黑名单")
        ordering = ["-decided_on"]

    def __str__(self):
        return f"{self.real_name} {self.decided_on}"


class CountedTo(models.TextChoices):
    """The date a rule counts service years to (DOMAIN §5): part of the rule, as the guides say."""

    APPLICATION_DATE = "application_date", _("申报（提交）之日")
    YEAR_END = "year_end", _("申报年度12月31日")


class EligibilityRule(models.Model):
    """One way to qualify for a level (DOMAIN §5), as data. Rules of the same item, region, series
    and level are alternatives: meeting any one qualifies. Region/series empty = everywhere/all."""

    name = models.CharField(_("规则名称"), max_length=100)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="eligibility_rules", verbose_name=_("事项"))
    region = models.ForeignKey(
        "organizations.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="eligibility_rules",
        verbose_name=_("适用地区"),
        help_text=_("留空表示适用于所有地区；下级地区继承上级地区的规则。"),
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("适用系列")
    )
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+", verbose_name=_("申报层级"))
    min_degree = models.PositiveSmallIntegerField(
        _("最低学历"), choices=Education.Degree.choices, null=True, blank=True
    )
    min_years_after_degree = models.DecimalField(
        _("取得学历后最少专业工作年限"), max_digits=4, decimal_places=1, default=0
    )
    required_current_level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("须具备的现职称层级")
    )
    min_years_at_current_level = models.DecimalField(_("任现职称最少年限"), max_digits=4, decimal_places=1, default=0)
    excludes_exam_series = models.BooleanField(
        _("以考代评系列不适用"), default=False, help_text=_("实行全国统一考试的系列不能通过此规则取得。")
    )
    binding = models.BooleanField(_("不符合时禁止提交"), default=True, help_text=_("不勾选则只提示警告。"))
    counted_to = models.CharField(
        _("年限计算截止日"),
        max_length=20,
        choices=CountedTo.choices,
        default=CountedTo.APPLICATION_DATE,
        help_text=_("如昆明市级评委会：任职年限计算至申报年度12月31日；文件未规定的按申报之日计算。"),
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("申报资格规则")
        verbose_name_plural = _("申报资格规则")
        ordering = ["item", "level__rank", "id"]

    def __str__(self):
        return self.name


class TrainingHoursRule(models.Model):
    """Continuing-education hours required per year (Jiangsu: 40 for 初级, 72 for 中/高级, ⅓ public)."""

    name = models.CharField(_("规则名称"), max_length=100)
    region = models.ForeignKey(
        "organizations.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("适用地区"),
    )
    min_level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+", verbose_name=_("适用层级（起）"))
    max_level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+", verbose_name=_("适用层级（止）"))
    hours_per_year = models.PositiveSmallIntegerField(_("每年最少学时"))
    public_share_percent = models.PositiveSmallIntegerField(_("公需科目最低占比（%）"), default=0)
    years = models.PositiveSmallIntegerField(_("考查最近年数"), default=5)
    binding = models.BooleanField(_("不符合时禁止提交"), default=False)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("继续教育学时规则")
        verbose_name_plural = _("继续教育学时规则")

    def __str__(self):
        return self.name
