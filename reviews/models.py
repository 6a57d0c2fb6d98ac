"""Unit public notices (and the committee's result notices), committee results, the meeting's
ballots and the holiday table that working days are counted with. (The audit of every step and the
acceptance counter belong to the workflow: applications.workflow.records.)"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from portal.catalog.models import Level, Series
from portal.core.encrypted_fields import EncryptedCharField
from portal.organizations.models import Organization, Region


class NoticeResult(models.TextChoices):
    PENDING = "pending", _("公示中")
    NO_OBJECTION = "no_objection", _("公示无异议")
    OBJECTION_UPHELD = "objection_upheld", _("异议成立")
    # Withdrawn by its unit before a result: its people are back to awaiting a notice.
    WITHDRAWN = "withdrawn", _("已撤回")


class NoticeKind(models.TextChoices):
    UNIT = "unit", _("单位公示")
    # applications.models.RESULT_NOTICE_KIND reads this value.
    RESULT = "result", _("评审结果公示")


class UnitNotice(models.Model):
    """A unit's public notice (公示) of its applicants, at least 5 working days. The committee
    office's result notice (评审结果公示) of those who passed a session's vote is one too, of
    kind RESULT with its session; `unit` is then the office's organisation."""

    kind = models.CharField(_("公示类别"), max_length=10, choices=NoticeKind.choices, default=NoticeKind.UNIT)
    session = models.ForeignKey(
        "CommitteeSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="result_notices",
        verbose_name=_("评审会议"),
    )
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="notices", verbose_name=_("单位"))
    applications = models.ManyToManyField(Application, related_name="notices", verbose_name=_("公示人员"))
    title = models.CharField(_("公示标题"), max_length=200)
    content = models.TextField(_("公示内容"), blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=30)
    start_date = models.DateField(_("公示开始日期"))
    working_days = models.PositiveSmallIntegerField(_("公示工作日数"))
    end_date = models.DateField(_("公示结束日期"))
    calendar_note = models.CharField(_("日历说明"), max_length=200, blank=True)
    result = models.CharField(_("公示结果"), max_length=20, choices=NoticeResult.choices, default=NoticeResult.PENDING)
    result_note = models.TextField(_("结果说明"), blank=True)
    # Objections are about people: with OBJECTION_UPHELD, these applicants may not be recommended
    # this round; everyone else in the notice passed it.
    objections = models.ManyToManyField(
        Application, related_name="upheld_objections", blank=True, verbose_name=_("异议成立人员")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    concluded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位公示")
        verbose_name_plural = _("单位公示")
        ordering = ["-start_date", "-id"]

    def __str__(self):
        return self.title

    def has_ended(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.end_date

    @property
    def is_open(self) -> bool:
        """Published and neither concluded nor withdrawn: its dates may still be corrected."""
        return self.result == NoticeResult.PENDING

    def passed(self, application) -> bool:
        """Concluded, and no objection against this applicant was upheld."""
        if self.result in (NoticeResult.PENDING, NoticeResult.WITHDRAWN):
            return False
        return self.result == NoticeResult.NO_OBJECTION or not self.objections.filter(pk=application.pk).exists()


class Holiday(models.Model):
    """Admin-kept calendar: public holidays and 调休 make-up working days, for years (or dates) the
    chinese-calendar library does not know or gets wrong. Entries here take precedence."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否上班"), help_text=_("勾选：调休上班日；不勾选：法定节假日。"))
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class HolidayYear(models.Model):
    """A year whose published schedule (法定节假日与调休) the bureau has entered in full. Until a
    year is marked, notice end dates falling into it (beyond what chinese-calendar knows) carry a
    warning: the rows entered so far may be only part of the State Council's schedule."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    complete = models.BooleanField(_("已录入完整"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(_("标记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class NoticeChangeKind(models.TextChoices):
    CORRECTED = "corrected", _("更正公示期")
    RECALENDARED = "recalendared", _("节假日调整后重算")
    WITHDRAWN = "withdrawn", _("撤回公示")


class NoticeChange(models.Model):
    """One change to a published notice, with the dates before and after (append-only history
    shown on the notice page; each person's review record says the same)."""

    notice = models.ForeignKey(UnitNotice, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("变更类型"), max_length=20, choices=NoticeChangeKind.choices)
    start_before = models.DateField(_("原开始日期"))
    end_before = models.DateField(_("原结束日期"))
    days_before = models.PositiveSmallIntegerField(_("原工作日数"))
    start_after = models.DateField(_("新开始日期"))
    end_after = models.DateField(_("新结束日期"))
    days_after = models.PositiveSmallIntegerField(_("新工作日数"))
    reason = models.TextField(_("原因"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("变更时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公示变更")
        verbose_name_plural = _("公示变更")
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.notice} {self.get_kind_display()}"


class CommitteeResult(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="committee_result")
    # The meeting whose secret ballots were counted; empty when the bureau entered paper minutes.
    session = models.ForeignKey(
        "CommitteeSession", null=True, blank=True, on_delete=models.PROTECT, related_name="results"
    )
    votes_for = models.PositiveSmallIntegerField(_("赞成票"))
    votes_against = models.PositiveSmallIntegerField(_("反对票"))
    abstentions = models.PositiveSmallIntegerField(_("弃权票"), default=0)
    # The sitting and the rule it was judged by, kept so the result can be defended later even
    # if the committee's thresholds change. Empty on results recorded before they were asked for.
    members = models.PositiveSmallIntegerField(_("应到委员"), null=True)
    present = models.PositiveSmallIntegerField(_("实到委员"), null=True)
    quorum_numerator = models.PositiveSmallIntegerField(_("出席人数比例（分子）"), null=True)
    quorum_denominator = models.PositiveSmallIntegerField(_("出席人数比例（分母）"), null=True)
    pass_numerator = models.PositiveSmallIntegerField(_("通过票数比例（分子）"), null=True)
    pass_denominator = models.PositiveSmallIntegerField(_("通过票数比例（分母）"), null=True)
    passed = models.BooleanField(_("是否通过"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("评委会评审结果")
        verbose_name_plural = _("评委会评审结果")

    def __str__(self):
        return f"{self.application} {self.votes_for}/{self.votes_against}/{self.abstentions}"


class ReturnedSections(models.Model):
    """What a return for changes (退回修改) asks the applicant to change: the sections the reviewer
    ticked (section keys of applications/navigation.py, "materials" for the materials page) and
    the opinion, written in the return's own transaction. The applicant's pages show the latest
    one until the application is submitted again."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="returned_sections")
    sections = models.JSONField(_("需修改的栏目"), default=list, blank=True)
    opinion = models.TextField(_("退回意见"))
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(_("退回时间"), default=timezone.now)

    class Meta:
        verbose_name = _("退回修改的栏目")
        verbose_name_plural = _("退回修改的栏目")
        ordering = ["-returned_at", "-id"]

    def __str__(self):
        return f"{self.application_id} {self.returned_at:%Y-%m-%d %H:%M}"


class UnitRecommendation(models.Model):
    """The unit's recommendation (基层单位意见) its HR officer writes at the unit's review: how the
    recommendation was formed, who took part, the notice. Written in the recommending step's own
    transaction; later stages and the application form (PDF) show the latest one."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="unit_recommendations")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    text = models.TextField(_("基层单位意见"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("填写时间"), default=timezone.now)

    class Meta:
        verbose_name = _("基层单位意见")
        verbose_name_plural = _("基层单位意见")
        ordering = ["-written_at", "-id"]

    def __str__(self):
        return f"{self.application_id} {self.unit} {self.written_at:%Y-%m-%d}"


class OriginalChecked(models.Model):
    """One paper original the window clerk checked against its upload at intake (核对原件). Written
    in the acceptance's own transaction; the receipt lists as verified only these. The name is
    kept as printed, so a later replaced upload does not change what was checked."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="originals_checked")
    # The intake it belongs to: an application reset and accepted again gets a new number and a
    # new checklist.
    acceptance_number = models.CharField(_("受理号"), max_length=40)
    material = models.ForeignKey(
        "applications.Material", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("材料名称"), max_length=120)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("已核验原件")
        verbose_name_plural = _("已核验原件")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["acceptance_number", "material"], name="original_checked_once"),
        ]

    def __str__(self):
        return f"{self.acceptance_number} {self.name}"


class ExpertStatus(models.TextChoices):
    IN_POOL = "in_pool", _("在库")
    SUSPENDED = "suspended", _("暂停")
    RETIRED = "retired", _("出库")


class Expert(models.Model):
    """One evaluation expert (评审专家) in the pool (专家库) of a committee organizer (组建单位).
    Only experts 在库 can be drawn; 出库 and 暂停 are kept, never deleted, for the record."""

    organizer = models.CharField(_("组建单位"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="expert_records",
        verbose_name=_("专家账号"),
    )
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="experts", verbose_name=_("系列"))
    speciality = models.CharField(_("专业"), max_length=100, blank=True)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="experts", verbose_name=_("职称层级"))
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="experts", verbose_name=_("工作单位"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="experts", verbose_name=_("地区"))
    mobile = EncryptedCharField(_("联系电话"), max_length=11)
    status = models.CharField(_("状态"), max_length=20, choices=ExpertStatus.choices, default=ExpertStatus.IN_POOL)
    integrity_note = models.TextField(_("诚信记录"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("入库时间"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("专家库")
        ordering = ["organizer", "series", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "user"], name="expert_once_per_pool"),
        ]
        indexes = [models.Index(fields=["organizer", "series", "status"])]

    def __str__(self):
        return f"{self.user.real_name}（{self.organizer}）"


class CommitteeSession(models.Model):
    """A committee's sitting (评审会议) for a year, with the applications assigned to it."""

    committee = models.ForeignKey(
        "catalog.Committee", on_delete=models.PROTECT, related_name="sessions", verbose_name=_("评审委员会")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    experts_to_draw = models.PositiveSmallIntegerField(_("抽取专家人数"))
    applications = models.ManyToManyField(Application, related_name="committee_sessions", verbose_name=_("评审申报"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    review_opened_at = models.DateTimeField(_("网络评审开始时间"), null=True, blank=True)
    # The meeting (评审会议) and its secret vote: attendance is on SessionExpert, ballots below.
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("主任委员（签发人）"),
        help_text=_("由办事机构指定的抽取专家；不指定时由办事机构签发。"),
    )
    vote_opened_at = models.DateTimeField(_("表决开始时间"), null=True, blank=True)
    vote_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vote_closed_at = models.DateTimeField(_("表决结束时间"), null=True, blank=True)
    vote_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("结果签发时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("评审会议")
        verbose_name_plural = _("评审会议")
        ordering = ["-year", "-id"]

    def __str__(self):
        return f"{self.year} {self.committee}"


class ExpertConflict(models.Model):
    """A conflict of interest declared by the expert or the office (relative, supervisor,
    co-author): the expert is never drawn for a session holding that application."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("评审专家"))
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+", verbose_name=_("申报"))
    note = models.CharField(_("回避事由"), max_length=200)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")

    def __str__(self):
        return f"{self.expert} × {self.application_id}"


class ExpertDraw(models.Model):
    """One random draw, kept whole so it can be replayed: the seed, the candidates in the order
    they were drawn from, every exclusion with its reason, and the result."""

    session = models.ForeignKey(CommitteeSession, on_delete=models.PROTECT, related_name="draws")
    seed = models.CharField(_("随机种子"), max_length=64)
    number = models.PositiveSmallIntegerField(_("抽取人数"))
    candidates = models.JSONField(_("候选专家"))
    exclusions = models.JSONField(_("回避排除"))
    drawn = models.JSONField(_("抽取结果"))
    replacing = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("专家抽取记录")
        verbose_name_plural = _("专家抽取记录")
        ordering = ["session", "id"]

    def __str__(self):
        return f"{self.session} #{self.pk}"


class SessionExpertStatus(models.TextChoices):
    DRAWN = "drawn", _("已抽取")
    DECLINED = "declined", _("已谢绝")


class SessionExpert(models.Model):
    session = models.ForeignKey(CommitteeSession, on_delete=models.CASCADE, related_name="experts")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="sittings")
    draw = models.ForeignKey(ExpertDraw, on_delete=models.PROTECT, related_name="members")
    status = models.CharField(
        _("状态"), max_length=20, choices=SessionExpertStatus.choices, default=SessionExpertStatus.DRAWN
    )
    # The meeting's roll call (签到), recorded by the office: None until recorded.
    present = models.BooleanField(_("出席会议"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(_("签到登记时间"), null=True, blank=True)
    # The discipline group (评议组) the office put the expert in; none when the session has none.
    group = models.ForeignKey(
        "DisciplineGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("评议组"),
    )

    class Meta:
        verbose_name = _("会议专家")
        verbose_name_plural = _("会议专家")
        constraints = [models.UniqueConstraint(fields=["session", "expert"], name="session_expert_once")]

    def __str__(self):
        return f"{self.session} {self.expert}"


class CommitteeOffice(models.Model):
    """Which committees an office (评委会办事机构) organises: the members of `organization` with
    the committee office role run these committees' sessions and keep their organisers' pools.
    Kept by the administrator; an office sees no other committee."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="committees_organised", verbose_name=_("办事机构所在单位")
    )
    committee = models.ForeignKey(
        "catalog.Committee", on_delete=models.PROTECT, related_name="offices", verbose_name=_("评审委员会")
    )

    class Meta:
        verbose_name = _("评委会办事机构")
        verbose_name_plural = _("评委会办事机构")
        ordering = ["organization", "committee"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "committee"], name="committee_office_once"),
        ]

    def __str__(self):
        return f"{self.organization} → {self.committee}"


class Rubric(models.Model):
    """The scoring rubric (评分标准) of a series' online review: weighted categories, some with a
    required comment. Kept by the administrator; one per series."""

    series = models.OneToOneField(Series, on_delete=models.PROTECT, related_name="rubric", verbose_name=_("系列"))
    name = models.CharField(_("名称"), max_length=100)
    overall_comment_required = models.BooleanField(_("须填写总体评价"), default=True)

    class Meta:
        verbose_name = _("评分标准")
        verbose_name_plural = _("评分标准")

    def __str__(self):
        return self.name


class RubricCategory(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("评分项目"), max_length=100)
    guidance = models.TextField(_("评分要点"), blank=True)
    # The category's full marks: its weight in the total.
    weight = models.PositiveSmallIntegerField(_("满分（权重）"), validators=[MinValueValidator(1)])
    comment_required = models.BooleanField(_("须填写评语"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评分项目")
        verbose_name_plural = _("评分项目")
        ordering = ["rubric", "order", "id"]

    def __str__(self):
        return f"{self.name}（{self.weight}）"


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待评审")
    DRAFT = "draft", _("已暂存")
    SUBMITTED = "submitted", _("已提交")
    RECUSED = "recused", _("已回避")


class ReviewAssignment(models.Model):
    """One drawn expert's online review of one application of the session (网络评审)."""

    member = models.ForeignKey(SessionExpert, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED)
    comment = models.TextField(_("总体评价"), blank=True)
    total = models.PositiveSmallIntegerField(_("总分"), null=True, blank=True)
    recusal_note = models.CharField(_("回避事由"), max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("网络评审任务")
        verbose_name_plural = _("网络评审任务")
        ordering = ["member", "application_id"]
        constraints = [models.UniqueConstraint(fields=["member", "application"], name="review_assignment_once")]

    def __str__(self):
        return f"{self.member} × {self.application_id}"


class ReviewScore(models.Model):
    """One category's points; the weight is copied so a later rubric change leaves it as scored."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="scores")
    category = models.ForeignKey(RubricCategory, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(_("满分（权重）"))
    points = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    comment = models.TextField(_("评语"), blank=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [models.UniqueConstraint(fields=["assignment", "category"], name="review_score_once")]

    def __str__(self):
        return f"{self.assignment_id} {self.category_id}: {self.points}"


class BallotChoice(models.TextChoices):
    FOR = "for", _("同意")
    AGAINST = "against", _("不同意")
    ABSTAIN = "abstain", _("弃权")


class BallotReceipt(models.Model):
    """That a present expert has voted on an application (by their own account, or on paper
    entered by the office) — never how. One per expert and application: no second ballot."""

    member = models.ForeignKey(SessionExpert, on_delete=models.PROTECT, related_name="ballot_receipts")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    on_paper = models.BooleanField(_("纸质选票"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField(_("投票时间"), default=timezone.now)

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        constraints = [models.UniqueConstraint(fields=["member", "application"], name="ballot_once_per_expert")]

    def __str__(self):
        return f"{self.member_id} × {self.application_id}"


class Ballot(models.Model):
    """One secret ballot (无记名投票): the choice alone. No voter, no time and a random key, so
    no row can be matched to its receipt, by anyone, on any page or in the database."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(CommitteeSession, on_delete=models.PROTECT, related_name="ballots")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("表决意见"), max_length=10, choices=BallotChoice.choices)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")

    def __str__(self):
        return self.get_choice_display()


class SessionEvent(models.Model):
    """The session's audit trail: every act of the office, the chair and the experts in the
    meeting (draws are in ExpertDraw), in order. Never a ballot's content."""

    session = models.ForeignKey(CommitteeSession, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=40)
    detail = models.TextField(_("内容"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评审会议记录")
        verbose_name_plural = _("评审会议记录")
        ordering = ["session", "at", "id"]

    def __str__(self):
        return f"{self.session_id} {self.action}"


class DisciplineGroup(models.Model):
    """A discipline group (评议组) of a session (人社部令第40号第二十二条): at least three of the
    drawn experts who review the files of their discipline and give each a written opinion
    (评议意见) by majority; the whole committee then votes on every file."""

    session = models.ForeignKey(CommitteeSession, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("评议组名称"), max_length=50)
    speciality = models.CharField(_("学科（专业）"), max_length=100, blank=True)
    applications = models.ManyToManyField(Application, related_name="+", blank=True, verbose_name=_("评议申报"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("评议组")
        verbose_name_plural = _("评议组")
        ordering = ["session", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "name"], name="discipline_group_name_once")]

    def __str__(self):
        return self.name


class GroupRecommendation(models.TextChoices):
    PASS = "pass", _("建议通过")
    FAIL = "fail", _("建议不通过")


class GroupOpinion(models.Model):
    """A discipline group's written opinion (书面评议意见) on one of its files, formed by majority
    of the group's members (少数服从多数) and shown to the committee at its vote."""

    group = models.ForeignKey(DisciplineGroup, on_delete=models.CASCADE, related_name="opinions")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    recommendation = models.CharField(_("评议结论"), max_length=10, choices=GroupRecommendation.choices)
    members = models.PositiveSmallIntegerField(_("评议组专家人数"))
    agreeing = models.PositiveSmallIntegerField(_("同意该意见的专家人数"))
    text = models.TextField(_("评议意见"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("评议组意见")
        verbose_name_plural = _("评议组意见")
        constraints = [models.UniqueConstraint(fields=["group", "application"], name="group_opinion_once")]

    def __str__(self):
        return f"{self.group} × {self.application_id}"


class InterviewAttendance(models.TextChoices):
    PENDING = "pending", _("未登记")
    PRESENT = "present", _("到场")
    ABSENT = "absent", _("缺席")


class InterviewSlot(models.Model):
    """One applicant's interview (答辩) before the committee: when and where, and whether they
    came. `revision` counts the schedulings: each one is told to the applicant once."""

    session = models.ForeignKey(CommitteeSession, on_delete=models.CASCADE, related_name="interviews")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="interview_slots")
    date = models.DateField(_("答辩日期"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    place = models.CharField(_("答辩地点"), max_length=200)
    revision = models.PositiveSmallIntegerField(_("安排次数"), default=1)
    attendance = models.CharField(
        _("答辩到场"), max_length=10, choices=InterviewAttendance.choices, default=InterviewAttendance.PENDING
    )
    attendance_note = models.CharField(_("到场备注"), max_length=200, blank=True)
    attendance_recorded_at = models.DateTimeField(_("到场登记时间"), null=True, blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(_("安排时间"), default=timezone.now)

    class Meta:
        verbose_name = _("答辩安排")
        verbose_name_plural = _("答辩安排")
        ordering = ["session", "date", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="interview_once_per_application"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="interview_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.session_id} {self.application_id} {self.date} {self.starts_at}"

    @property
    def absent(self) -> bool:
        return self.attendance == InterviewAttendance.ABSENT
