from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .stages import STAGE_ORDER, Stage

# Every route passes the single window (acceptance) and the approving authority (the talent
# bureau): without them no lawful certificate can be issued (人社部令第40号; DOMAIN §5).
REQUIRED_STAGES = (Stage.WINDOW_INTAKE, Stage.BUREAU_APPROVAL)


class Level(models.Model):
    """员级 < 助理级 < 中级 < 副高级 < 正高级."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    rank = models.PositiveSmallIntegerField(_("层级"), unique=True, help_text=_("数字越大层级越高"))

    class Meta:
        verbose_name = _("职称层级")
        verbose_name_plural = _("职称层级")
        ordering = ["rank"]

    def __str__(self):
        return self.name


class Series(models.Model):
    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    name = models.CharField(_("系列名称"), max_length=50, unique=True)
    has_national_exam = models.BooleanField(
        _("实行全国统一考试"),
        default=False,
        help_text=_("实行以考代评的系列不能通过考核认定取得（重庆等地规定）。"),
    )
    representative_works_max = models.PositiveSmallIntegerField(
        _("代表作最多件数"),
        default=5,
        help_text=_("职称评审时申报人可从个人业务档案中标记为代表作的成果（课题、专利、获奖、著作、论文）最多件数。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("职称系列")
        verbose_name_plural = _("职称系列")
        ordering = ["number"]

    def __str__(self):
        return self.name


class TitleName(models.Model):
    """A title name of a series at one level, e.g. 卫生技术人员 · 中级 · 主管护师.

    A series may have several tracks (医师、药师、护师、技师), each a column of names.
    """

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="titles", verbose_name=_("系列"))
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="titles", verbose_name=_("层级"))
    name = models.CharField(_("职称名称"), max_length=50)
    track = models.PositiveSmallIntegerField(_("序列"), default=1)

    class Meta:
        verbose_name = _("职称名称")
        verbose_name_plural = _("职称名称")
        ordering = ["series__number", "track", "-level__rank"]
        constraints = [models.UniqueConstraint(fields=["series", "level", "name"], name="title_unique_in_series_level")]

    def __str__(self):
        return f"{self.name}（{self.level.name}）"


class CommitteeGrade(models.TextChoices):
    SENIOR = "senior", _("高级")
    INTERMEDIATE = "intermediate", _("中级")


class Committee(models.Model):
    """An evaluation committee (评审委员会) with its scope and yearly plan."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    grade = models.CharField(_("级别"), max_length=20, choices=CommitteeGrade.choices)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.PROTECT, related_name="committees", verbose_name=_("系列")
    )
    scope = models.TextField(_("评审范围"), blank=True)
    organizer = models.CharField(_("组建单位"), max_length=100, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=100, blank=True)
    review_month = models.PositiveSmallIntegerField(_("计划评审月份"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    # 人社部令第40号: a sitting needs ⅔ of its members present; a file passes with ⅔ of those
    # present in favour. Kept as fractions so a province's stricter rule is data, not code.
    quorum_numerator = models.PositiveSmallIntegerField(_("出席人数比例（分子）"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("出席人数比例（分母）"), default=3)
    pass_numerator = models.PositiveSmallIntegerField(_("通过票数比例（分子）"), default=2)
    pass_denominator = models.PositiveSmallIntegerField(_("通过票数比例（分母）"), default=3)
    # Whether the experts' online review (网络评审) shows the applicant's name, ID, mobile and unit.
    hide_identity_in_review = models.BooleanField(_("网络评审隐去申报人身份"), default=False)
    # Whether the committee hears the applicants in person (答辩) before its vote; the office then
    # schedules a slot per applicant and records who came (reviews.interviews).
    holds_interview = models.BooleanField(_("组织答辩"), default=False)

    class Meta:
        verbose_name = _("评审委员会")
        verbose_name_plural = _("评审委员会")
        ordering = ["grade", "id"]
        indexes = [models.Index(fields=["grade", "series"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum_numerator__gte=1, quorum_denominator__gte=1)
                & models.Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="committee_quorum_is_a_fraction",
            ),
            models.CheckConstraint(
                condition=models.Q(pass_numerator__gte=1, pass_denominator__gte=1)
                & models.Q(pass_numerator__lte=models.F("pass_denominator")),
                name="committee_pass_is_a_fraction",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def levels(self):
        """Levels this committee evaluates: senior → 副高级/正高级, intermediate → 中级."""
        codes = ("fugao", "zhenggao") if self.grade == CommitteeGrade.SENIOR else ("zhongji",)
        return Level.objects.filter(code__in=codes)


class ObtainedBy(models.TextChoices):
    RECOGNITION = "recognition", _("认定")
    EVALUATION = "evaluation", _("评审")
    EXAM = "exam", _("考试")
    TRANSITION = "transition", _("过渡")


class Item(models.Model):
    """A service item (事项) and the route of stages its applications pass."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=20)
    description = models.TextField(_("说明"), blank=True)
    stages = models.JSONField(_("办理环节"), default=list, help_text=_("按固定顺序经过的审核环节。"))
    online = models.BooleanField(_("可网上申报"), default=True)
    needs_committee = models.BooleanField(_("须评委会评审"), default=False)
    obtained_by = models.CharField(_("取得方式"), max_length=20, choices=ObtainedBy.choices)
    sections = models.JSONField(
        _("填报栏目"),
        default=list,
        blank=True,
        help_text=_("本事项申报时须填写的栏目代码（如 basic、education、work）；留空表示全部栏目。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("办理事项")
        verbose_name_plural = _("办理事项")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        unknown = [s for s in self.stages or [] if s not in STAGE_ORDER]
        if unknown:
            raise ValidationError({"stages": _("未知的办理环节：%(s)s") % {"s": "、".join(unknown)}})
        self.stages = sorted(set(self.stages or []), key=STAGE_ORDER.index)
        missing = [stage for stage in REQUIRED_STAGES if stage not in self.stages]
        if missing:
            labels = dict(Stage.choices)
            raise ValidationError(
                {
                    "stages": _(
                        "办理环节必须包含%(missing)s：每份申报都须经单一窗口受理，并由人才主管部门审核批准后才能发证。"
                    )
                    % {"missing": "、".join(str(labels[s]) for s in missing)}
                }
            )
        if self.needs_committee != (Stage.COMMITTEE_REVIEW in self.stages):
            raise ValidationError(
                {
                    "stages": _("须评委会评审的事项必须包含“评委会评审”环节，不须评审的事项不能包含该环节。"),
                }
            )

    @property
    def stage_labels(self) -> list[str]:
        labels = dict(Stage.choices)
        return [labels[s] for s in self.stages if s in labels]


# What the route itself produces, by words in a material's name: never asked of the applicant
# (the unit writes its recommendation at unit review and records the notice result; the window
# issues the acceptance receipt after intake).
ROUTE_PRODUCED = (
    ("推荐意见", _("单位推荐意见由单位在单位审核环节填写")),
    ("公示结果", _("单位公示结果由单位在公示环节登记")),
    ("公示情况", _("单位公示结果由单位在公示环节登记")),
    ("受理凭证", _("受理凭证由窗口受理后出具")),
    ("受理回执", _("受理凭证由窗口受理后出具")),
)


def route_produced(name: str) -> str:
    """Why a material of this name is not the applicant's to upload ("" when it is)."""
    return next((str(why) for word, why in ROUTE_PRODUCED if word in (name or "")), "")


class MaterialRequirement(models.Model):
    """A material an application of this item must (or may) carry; series-specific when set. Never
    something the route produces later (ROUTE_PRODUCED)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="materials", verbose_name=_("事项"))
    series = models.ForeignKey(
        Series,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("系列"),
        help_text=_("留空表示适用于所有系列。"),
    )
    name = models.CharField(_("材料名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    required = models.BooleanField(_("必需"), default=True)
    needs_current_title = models.BooleanField(
        _("仅对已有职称者要求"),
        default=False,
        help_text=_("勾选：申报人填写“无现有职称”时不要求此材料（如现职称证书）。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("申报材料要求")
        verbose_name_plural = _("申报材料要求")
        ordering = ["item", "series__number", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "series", "name"], name="material_unique_per_item_series"),
            models.UniqueConstraint(
                fields=["item", "name"], condition=models.Q(series=None), name="material_unique_general_per_item"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        why = route_produced(self.name)
        if why:
            raise ValidationError({"name": _("%(why)s，不能要求申报人上传。") % {"why": why}})


class ApplicationWindowQuerySet(models.QuerySet):
    def open_at(self, moment=None):
        moment = moment or timezone.now()
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)


class ApplicationWindow(models.Model):
    """When applications for a committee (or an item) may be submitted. A closed window never reopens."""

    name = models.CharField(_("名称"), max_length=100)
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.CASCADE, related_name="windows", verbose_name=_("评委会")
    )
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.CASCADE, related_name="windows", verbose_name=_("事项")
    )
    region = models.ForeignKey(
        "organizations.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("地区"),
        help_text=_("留空则适用于所有地区；填写则适用于该地区及其下级地区的单位。"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))

    objects = ApplicationWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("申报时间窗口")
        verbose_name_plural = _("申报时间窗口")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="window_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(committee__isnull=False) | models.Q(item__isnull=False),
                name="window_has_committee_or_item",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("截止时间必须晚于开始时间。")})
        if not self.committee_id and not self.item_id:
            raise ValidationError(_("请选择评委会或事项。"))
        closed_at = (
            ApplicationWindow.objects.filter(pk=self.pk).values_list("closes_at", flat=True).first()
            if self.pk
            else None
        )
        if closed_at and closed_at <= timezone.now() and self.closes_at and self.closes_at > closed_at:
            # Kunming: 网络申报系统一旦关闭后，无法重新开通. Applicants who missed it were told so.
            raise ValidationError(
                {
                    "closes_at": _(
                        "该窗口已于%(t)s截止。网上申报一旦关闭不再重新开放，不能推迟截止时间；如需再次受理，请新建申报时间窗口。"
                    )
                    % {"t": timezone.localtime(closed_at).strftime("%Y-%m-%d %H:%M")}
                }
            )

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.opens_at <= moment < self.closes_at


class ExamOnlySeries(models.Model):
    """A series (or one speciality of it) obtained only by a national or local unified exam
    (以考代评 / 统一考试) in a region, for an item: it cannot be obtained there by recognition or
    evaluation (Chongqing: 通信、计算机、园林、卫生、经济、会计… 不能通过初定取得; Kunming 003 Q16:
    以考代评的系列不再开展相应层级职称资格评审). Applies to the region and the regions below it."""

    region = models.ForeignKey(
        "organizations.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("地区"),
        help_text=_("留空则适用于所有地区；填写则适用于该地区及其下级地区的单位。"),
    )
    item = models.ForeignKey(
        Item,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exam_only_series",
        verbose_name=_("事项"),
        help_text=_("留空则适用于认定和评审等所有事项。"),
    )
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="exam_only_rules", verbose_name=_("系列"))
    speciality = models.CharField(
        _("专业"),
        max_length=50,
        blank=True,
        help_text=_("只限该系列中的某一专业（如工程技术人员中的通信、计算机）时填写；留空表示整个系列。"),
    )
    max_level = models.ForeignKey(
        Level,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("最高适用层级"),
        help_text=_("考试覆盖到的最高层级（如初、中级实行考试则选“中级”）；留空表示所有层级。"),
    )
    source = models.CharField(_("依据"), max_length=200)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("以考代评系列")
        verbose_name_plural = _("以考代评系列")
        ordering = ["region__name", "series__number", "speciality", "id"]

    def __str__(self):
        what = f"{self.series.name}（{self.speciality}）" if self.speciality else self.series.name
        return f"{self.region or _('所有地区')} · {what}"

    def covers_level(self, level: Level) -> bool:
        return self.max_level_id is None or level.rank <= self.max_level.rank
