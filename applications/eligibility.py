"""Eligibility checks (DOMAIN §5): read-only functions on an Application, explained in plain Chinese.

Rules are data (EligibilityRule, TrainingHoursRule). The rules that apply to one item, level,
series and region are alternatives: meeting any one qualifies. A rule of a region also applies
to the regions below it (a 昆明市 rule covers a unit in 五华区). Service years are counted to
31 December of the application year and expressed as whole months / 12, truncated to one decimal.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q
from django.utils import timezone

from portal.organizations.models import Region

from .models import Blacklist, ContinuingEducation, CurrentTitle, Education, EligibilityRule, Profile, TrainingHoursRule

NO_RULES_NOTE = "本事项在您所在地区没有设定资格规则"
EXAM_SERIES_REASON = "该系列实行全国统一考试，不能通过考核认定取得"
# How many ancestors one query brings along; deeper trees cost a query per extra level.
_REGION_DEPTH = "parent__parent__parent__parent"


# --- dates -------------------------------------------------------------------------------------


def years_between(start: date, end: date) -> Decimal:
    """Whole months from `start` to `end`, divided by 12 and truncated to one decimal (negative if reversed)."""
    if end < start:
        return -years_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    # A month is complete on the same day of the month, or on the last day of a shorter month.
    if end.day < start.day and not _is_month_end(end):
        months -= 1
    return (Decimal(months) / 12).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def _is_month_end(day: date) -> bool:
    return day.month != date.fromordinal(day.toordinal() + 1).month


def counting_date(application) -> date:
    """Service is counted to 31 December of the application year."""
    return date(application.year, 12, 31)


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month(day: date) -> str:
    return f"{day.year}年{day.month}月"


def cn_years(value: Decimal) -> str:
    """4.0 → "4", 4.5 → "4.5"."""
    return format(value.normalize(), "f")


# --- results -----------------------------------------------------------------------------------


@dataclass
class RuleCheck:
    rule: str
    source: str
    passed: bool
    binding: bool
    reasons: list[str] = field(default_factory=list)
    kind: str = "eligibility"  # or "training"

    @property
    def text(self) -> str:
        verdict = "符合" if self.passed else "不符合"
        tail = f"（依据：{self.source}）" if self.source else ""
        return f"【{self.rule}】{verdict}。{''.join(self.reasons)}{tail}"

    def as_dict(self) -> dict:
        return {**asdict(self), "text": self.text}


@dataclass
class EligibilityResult:
    qualified: bool
    blocking: bool
    counted_to: date
    checks: list[RuleCheck] = field(default_factory=list)
    training: list[RuleCheck] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """Plain lines for a message: what blocks the application when it is blocked (every failed
        rule, every failed binding training check), otherwise the rule it qualifies by, or the notes."""
        if self.blocking:
            lines = [] if self.qualified else [c.text for c in self.checks]
            return lines + [c.text for c in self.training if not c.passed and c.binding]
        passed = [c.text for c in self.checks if c.passed][:1]
        return passed or [c.text for c in self.checks] or list(self.notes)

    def as_dict(self) -> dict:
        return {
            "qualified": self.qualified,
            "blocking": self.blocking,
            "counted_to": self.counted_to.isoformat(),
            "checks": [c.as_dict() for c in self.checks],
            "training": [c.as_dict() for c in self.training],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


@dataclass
class Bar:
    """Why a person may not apply at all, and until when (None: no end date)."""

    reason: str
    ends_on: date | None = None

    def as_dict(self) -> dict:
        return {"reason": self.reason, "ends_on": self.ends_on.isoformat() if self.ends_on else None}


# --- which rules apply -------------------------------------------------------------------------


def region_chain(application) -> list[int]:
    """Ids of the application unit's region and all regions above it, nearest first."""
    region = Region.objects.select_related(_REGION_DEPTH).filter(organizations__pk=application.unit_id).first()
    chain = []
    while region is not None and region.pk not in chain:
        chain.append(region.pk)
        region = region.parent
    return chain


def _region_filter(chain: list[int]) -> Q:
    return Q(region__isnull=True) | Q(region_id__in=chain)


def applicable_rules(application, *, chain: list[int] | None = None):
    """Active eligibility rules for the application's item and level, its series (or all series)
    and its unit's region or any region above it (or everywhere)."""
    chain = region_chain(application) if chain is None else chain
    return (
        EligibilityRule.objects.filter(is_active=True, item_id=application.item_id, level_id=application.level_id)
        .filter(_region_filter(chain))
        .filter(Q(series__isnull=True) | Q(series_id=application.series_id))
        .select_related("region", "series", "level", "required_current_level")
        .order_by("level__rank", "min_degree", "id")
    )


# --- one rule ----------------------------------------------------------------------------------


def _degree_label(degree: int) -> str:
    return str(Education.Degree(degree).label)


def _education_for(rule, educations: list) -> tuple:
    """The education a rule is measured by: among those at or above the rule's minimum degree, the
    one graduated earliest (years after a 大专 still count once a 本科 is added); when none is high
    enough, the highest one. Returns (education or None, is_highest)."""
    if not educations:
        return None, False
    highest = max(educations, key=lambda e: (e.degree, e.graduation_date))
    if rule.min_degree:
        eligible = [e for e in educations if e.degree >= rule.min_degree]
        if eligible:
            chosen = min(eligible, key=lambda e: (e.graduation_date, -e.degree))
            return chosen, chosen.degree == highest.degree
    return highest, True


def _check_education(rule, educations: list, cutoff: date) -> tuple[bool, str | None]:
    need_degree = rule.min_degree
    need_years = Decimal(rule.min_years_after_degree or 0)
    if not need_degree and need_years <= 0:
        return True, None
    want = []
    if need_degree:
        want.append(f"{_degree_label(need_degree)}及以上学历")
    if need_years > 0:
        want.append(f"毕业后从事专业技术工作满{cn_years(need_years)}年")
    requirement = "要求" + "且".join(want)

    education, is_highest = _education_for(rule, educations)
    if education is None:
        return False, f"未填写学历信息，{requirement}：不符合。"
    label = _degree_label(education.degree)
    fact = f"{'最高学历为' if is_highest else '具有'}{label}{'' if is_highest else '学历'}（{cn_month(education.graduation_date)}毕业）"
    if need_degree and education.degree < need_degree:
        return False, f"{fact}，{requirement}：不符合。"
    if education.graduation_date > cutoff:
        return False, f"{fact}，毕业时间晚于{cn_date(cutoff)}，{requirement}：不符合。"
    years = years_between(education.graduation_date, cutoff)
    ok = years >= need_years
    if need_years > 0:
        fact += f"，毕业后截至{cn_date(cutoff)}满{cn_years(years)}年"
    return ok, f"{fact}，{requirement}：{'符合' if ok else '不符合'}。"


def _check_current_title(rule, current: CurrentTitle | None, cutoff: date) -> tuple[bool, str | None]:
    needed = rule.required_current_level
    if needed is None:
        return True, None
    need_years = Decimal(rule.min_years_at_current_level or 0)
    requirement = f"要求任{needed.name}满{cn_years(need_years)}年" if need_years > 0 else f"要求具有{needed.name}职称"
    if current is None or not current.has_title or current.level is None:
        return False, f"{requirement}，您尚未填写现有职称：不符合。"
    level = current.level
    if level.rank < needed.rank:
        return False, f"{requirement}，您现有职称为{level.name}：不符合。"
    if current.obtained_on is None:
        return False, f"{requirement}，您未填写取得{level.name}职称的时间：不符合。"
    if current.obtained_on > cutoff:
        return False, f"{requirement}，您取得{level.name}职称的时间晚于{cn_date(cutoff)}：不符合。"
    # Someone already above the required level is measured by the time at the current (higher) level.
    years = years_between(current.obtained_on, cutoff)
    ok = years >= need_years
    return ok, (
        f"{requirement}，您于{cn_month(current.obtained_on)}取得{level.name}职称，"
        f"截至{cn_date(cutoff)}满{cn_years(years)}年：{'符合' if ok else '不符合'}。"
    )


def check_rule(rule: EligibilityRule, *, series, educations: list, current, cutoff: date) -> RuleCheck:
    check = RuleCheck(rule=rule.name, source=rule.source, passed=True, binding=rule.binding)
    if rule.excludes_exam_series and series.has_national_exam:
        check.passed = False
        check.reasons.append(f"{series.name}：{EXAM_SERIES_REASON}。")
        return check
    for ok, reason in (
        _check_education(rule, educations, cutoff),
        _check_current_title(rule, current, cutoff),
    ):
        if reason:
            check.reasons.append(reason)
        check.passed = check.passed and ok
    if not check.reasons:
        check.reasons.append("本规则没有学历和任职年限要求。")
    return check


# --- continuing education ----------------------------------------------------------------------


def _training_level(application, current):
    """The level whose requirement the past years are measured by: the title the applicant held in
    those years (Jiangsu: "初级专业技术人员每年40学时"); without one, the level applied for."""
    if current is not None and current.has_title and current.level is not None:
        return current.level
    return application.level


def _training_years(application, rule: TrainingHoursRule, profile: Profile | None) -> list[int]:
    """The last `rule.years` calendar years before the application year, from the first full year
    of work on (a graduate is not short of hours for the years spent studying)."""
    first = application.year - rule.years
    if profile is not None and profile.work_start_date:
        first = max(first, profile.work_start_date.year + 1)
    return list(range(first, application.year))


def check_training(rule: TrainingHoursRule, *, years: list[int], rows: dict) -> RuleCheck:
    check = RuleCheck(rule=rule.name, source=rule.source, passed=True, binding=rule.binding, kind="training")
    public_needed = math.ceil(rule.hours_per_year * rule.public_share_percent / 100)
    requirement = f"每年不少于{rule.hours_per_year}学时"
    if public_needed:
        requirement += f"，其中公需科目不少于{public_needed}学时"
    if not years:
        check.reasons.append(f"参加工作后尚无完整年度，暂不考查继续教育学时（要求{requirement}）。")
        return check
    for year in years:
        row = rows.get(year)
        if row is None:
            check.passed = False
            check.reasons.append(f"{year}年未填写继续教育记录，要求{requirement}：不足。")
            continue
        if row.total_hours < rule.hours_per_year:
            check.passed = False
            check.reasons.append(f"{year}年继续教育{row.total_hours}学时，要求不少于{rule.hours_per_year}学时：不足。")
        if row.public_hours < public_needed:
            check.passed = False
            check.reasons.append(
                f"{year}年公需科目{row.public_hours}学时，要求不少于{public_needed}学时"
                f"（{rule.public_share_percent}%）：不足。"
            )
    if check.passed:
        span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"
        check.reasons.append(f"{span}每年继续教育学时均符合要求（{requirement}）。")
    return check


def applicable_training_rules(level, chain: list[int]):
    return (
        TrainingHoursRule.objects.filter(
            is_active=True, min_level__rank__lte=level.rank, max_level__rank__gte=level.rank
        )
        .filter(_region_filter(chain))
        .select_related("min_level", "max_level")
        .order_by("id")
    )


# --- the whole application ---------------------------------------------------------------------


def _current_title(application) -> CurrentTitle | None:
    return CurrentTitle.objects.select_related("level").filter(application_id=application.pk).first()


def _profile(user_id) -> Profile | None:
    return Profile.objects.filter(user_id=user_id).first()


def evaluate(application) -> EligibilityResult:
    """Check an application against the rules that apply to it. Reads only; writes nothing."""
    cutoff = counting_date(application)
    chain = region_chain(application)
    rules = list(applicable_rules(application, chain=chain))
    educations = list(Education.objects.filter(application_id=application.pk))
    current = _current_title(application)
    result = EligibilityResult(qualified=True, blocking=False, counted_to=cutoff)

    if not rules:
        result.notes.append(NO_RULES_NOTE)
    else:
        series = application.series
        result.checks = [
            check_rule(rule, series=series, educations=educations, current=current, cutoff=cutoff) for rule in rules
        ]
        result.qualified = any(c.passed for c in result.checks)
        if result.qualified:
            passed = next(c for c in result.checks if c.passed)
            result.notes.append(f"符合申报条件：{passed.rule}。")
        else:
            result.blocking = any(c.binding for c in result.checks)
            if not result.blocking:
                result.warnings.append(
                    f"您不符合本地区{application.level.name}的任一申报条件（截至{cn_date(cutoff)}），"
                    "这些条件仅作提示，不影响提交，请与单位或主管部门核实。"
                )

    level = _training_level(application, current)
    training_rules = list(applicable_training_rules(level, chain))
    if training_rules:
        profile = _profile(application.applicant_id)
        rows = {row.year: row for row in ContinuingEducation.objects.filter(application_id=application.pk)}
        for rule in training_rules:
            check = check_training(rule, years=_training_years(application, rule, profile), rows=rows)
            result.training.append(check)
            if not check.passed:
                if check.binding:
                    result.blocking = True
                else:
                    result.warnings.append(check.text)
    return result


def barred(user, *, today: date | None = None) -> Bar | None:
    """Civil servants, retirees and people on the integrity blacklist may not apply (DOMAIN §5)."""
    today = today or timezone.localdate()
    profile = _profile(user.pk)
    if profile is not None and profile.is_civil_servant:
        return Bar("您是公务员或参照公务员法管理的人员，不能申报专业技术职称。")
    if profile is not None and profile.is_retired:
        return Bar("您已退休，不能申报专业技术职称。")
    entry = Blacklist.objects.filter(id_number__iexact=user.id_number, ends_on__gt=today).order_by("-ends_on").first()
    if entry is not None:
        return Bar(f"您在诚信黑名单中（原因：{entry.reason}），限制申报至{cn_date(entry.ends_on)}。", entry.ends_on)
    return None
