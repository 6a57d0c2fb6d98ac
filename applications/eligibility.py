"""Eligibility checks (DOMAIN §5): read-only functions on an Application, explained in plain Chinese.

Rules are data (EligibilityRule, TrainingHoursRule). The rules that apply to one item, level,
series and region are alternatives: meeting any one qualifies. A rule of a region also applies
to the regions below it (a 昆明市 rule covers a unit in 五华区), unless that region has rules of
its own for the item and level: the nearest region's rules replace those above it (昆明市's
committee evaluations replace the nationwide conditions). Service years are counted to the date
the rule names (EligibilityRule.counted_to: 31 December of the application year, or the date of
the application) and expressed as whole months / 12, truncated to one decimal.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.organizations.models import Region

from .models import (
    Blacklist,
    ContinuingEducation,
    CountedTo,
    CurrentTitle,
    Education,
    EligibilityRule,
    Profile,
    TrainingHoursRule,
)
from .phrases import day, degree, joined, month, phrase, render, render_value

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


def application_date(application) -> date:
    """The day the application was submitted (today while it is a draft)."""
    if application.submitted_at is not None:
        return timezone.localdate(application.submitted_at)
    return timezone.localdate()


def counting_date(application, rule: EligibilityRule | None = None) -> date:
    """The date `rule` counts service to: 31 December of the application year, or the date of the
    application (also where no rule applies)."""
    if rule is not None and rule.counted_to == CountedTo.YEAR_END:
        return date(application.year, 12, 31)
    return application_date(application)


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
    reasons: list[dict] = field(default_factory=list)  # phrases (see phrases.py)
    kind: str = "eligibility"  # or "training"

    @property
    def text(self) -> str:
        return check_text(asdict(self))

    @property
    def reason_texts(self) -> list[str]:
        return [render(r) for r in self.reasons]

    def as_dict(self) -> dict:
        return asdict(self)


def check_text(check: dict) -> str:
    """One stored check as a sentence in the active language. Checks stored before reasons were
    phrases carry their Chinese sentence in "text"."""
    reasons = check.get("reasons") or []
    if "text" in check and any(isinstance(r, str) for r in reasons):
        return check["text"]
    code = ("verdict_pass" if check.get("passed") else "verdict_fail") + ("_source" if check.get("source") else "")
    return render(
        phrase(code, rule=check.get("rule", ""), source=check.get("source", ""), reasons="".join(map(render, reasons)))
    )


@dataclass
class EligibilityResult:
    qualified: bool
    blocking: bool
    counted_to: date
    checks: list[RuleCheck] = field(default_factory=list)
    training: list[RuleCheck] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)  # phrases, or a failed check's text
    notes: list[dict] = field(default_factory=list)  # phrases

    def summary_lines(self) -> list[str]:
        """Plain lines for a message: what blocks the application when it is blocked (every failed
        rule, every failed binding training check), otherwise the rule it qualifies by, or the notes."""
        if self.blocking:
            lines = [] if self.qualified else [c.text for c in self.checks]
            return lines + [c.text for c in self.training if not c.passed and c.binding]
        passed = [c.text for c in self.checks if c.passed][:1]
        return passed or [c.text for c in self.checks] or [render(n) for n in self.notes]

    @property
    def note_texts(self) -> list[str]:
        return [render(n) for n in self.notes]

    @property
    def warning_texts(self) -> list[str]:
        return [w.text if isinstance(w, RuleCheck) else render(w) for w in self.warnings]

    def as_dict(self) -> dict:
        return {
            "qualified": self.qualified,
            "blocking": self.blocking,
            "counted_to": self.counted_to.isoformat(),
            "checks": [c.as_dict() for c in self.checks],
            "training": [c.as_dict() for c in self.training],
            "warnings": [w.as_dict() if isinstance(w, RuleCheck) else w for w in self.warnings],
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
    rules = list(
        EligibilityRule.objects.filter(is_active=True, item_id=application.item_id, level_id=application.level_id)
        .filter(_region_filter(chain))
        .filter(Q(series__isnull=True) | Q(series_id=application.series_id))
        .select_related("region", "series", "level", "required_current_level")
        .order_by("level__rank", "min_degree", "id")
    )
    # The nearest region with rules of its own replaces the regions above it (and nationwide).
    distance = {region_id: index for index, region_id in enumerate(chain)}
    nearest = min((distance.get(rule.region_id, len(chain)) for rule in rules), default=None)
    return [rule for rule in rules if distance.get(rule.region_id, len(chain)) == nearest]


# --- one rule ----------------------------------------------------------------------------------


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
        want.append(phrase("req_degree", degree=degree(need_degree)))
    if need_years > 0:
        want.append(phrase("req_years_after_degree", years=cn_years(need_years)))
    requirement = phrase("requirement", parts=joined(want))

    education, is_highest = _education_for(rule, educations)
    if education is None:
        return False, phrase("edu_missing", requirement=requirement)
    fact = phrase(
        "fact_highest" if is_highest else "fact_holds",
        degree=degree(education.degree),
        month=month(education.graduation_date),
    )
    if need_degree and education.degree < need_degree:
        return False, phrase("edu_fail", fact=fact, requirement=requirement)
    if education.graduation_date > cutoff:
        return False, phrase("edu_graduated_late", fact=fact, cutoff=day(cutoff), requirement=requirement)
    years = years_between(education.graduation_date, cutoff)
    ok = years >= need_years
    if need_years > 0:
        fact = phrase("fact_years_since", fact=fact, cutoff=day(cutoff), years=cn_years(years))
    return ok, phrase("edu_pass" if ok else "edu_fail", fact=fact, requirement=requirement)


def _check_current_title(rule, current: CurrentTitle | None, cutoff: date) -> tuple[bool, str | None]:
    needed = rule.required_current_level
    if needed is None:
        return True, None
    need_years = Decimal(rule.min_years_at_current_level or 0)
    requirement = (
        phrase("req_title_years", level=needed.name, years=cn_years(need_years))
        if need_years > 0
        else phrase("req_title", level=needed.name)
    )
    if current is None or not current.has_title or current.level is None:
        return False, phrase("title_missing", requirement=requirement)
    level = current.level
    if level.rank < needed.rank:
        return False, phrase("title_low", requirement=requirement, level=level.name)
    if current.obtained_on is None:
        return False, phrase("title_no_date", requirement=requirement, level=level.name)
    if current.obtained_on > cutoff:
        return False, phrase("title_late", requirement=requirement, level=level.name, cutoff=day(cutoff))
    # Someone already above the required level is measured by the time at the current (higher) level.
    years = years_between(current.obtained_on, cutoff)
    ok = years >= need_years
    return ok, phrase(
        "title_pass" if ok else "title_fail",
        requirement=requirement,
        month=month(current.obtained_on),
        level=level.name,
        cutoff=day(cutoff),
        years=cn_years(years),
    )


def check_rule(rule: EligibilityRule, *, series, educations: list, current, cutoff: date) -> RuleCheck:
    check = RuleCheck(rule=rule.name, source=rule.source, passed=True, binding=rule.binding)
    if rule.excludes_exam_series and series.has_national_exam:
        check.passed = False
        check.reasons.append(phrase("exam_series", series=series.name))
        return check
    for ok, reason in (
        _check_education(rule, educations, cutoff),
        _check_current_title(rule, current, cutoff),
    ):
        if reason:
            check.reasons.append(reason)
        check.passed = check.passed and ok
    if not check.reasons:
        check.reasons.append(phrase("no_requirements"))
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
    requirement = (
        phrase("train_req_public", hours=rule.hours_per_year, public=public_needed)
        if public_needed
        else phrase("train_req", hours=rule.hours_per_year)
    )
    if not years:
        check.reasons.append(phrase("train_no_years", requirement=requirement))
        return check
    for year in years:
        row = rows.get(year)
        if row is None:
            check.passed = False
            check.reasons.append(phrase("train_missing", year=year, requirement=requirement))
            continue
        if row.total_hours < rule.hours_per_year:
            check.passed = False
            check.reasons.append(phrase("train_short", year=year, hours=row.total_hours, needed=rule.hours_per_year))
        if row.public_hours < public_needed:
            check.passed = False
            check.reasons.append(
                phrase(
                    "train_public_short",
                    year=year,
                    hours=row.public_hours,
                    needed=public_needed,
                    percent=rule.public_share_percent,
                )
            )
    if check.passed:
        check.reasons.append(
            phrase("train_pass_year", year=years[0], requirement=requirement)
            if len(years) == 1
            else phrase("train_pass_span", first=years[0], last=years[-1], requirement=requirement)
        )
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
    chain = region_chain(application)
    rules = list(applicable_rules(application, chain=chain))
    cutoffs = {rule.pk: counting_date(application, rule) for rule in rules}
    cutoff = next(iter(cutoffs.values()), counting_date(application))
    educations = list(Education.objects.filter(applications=application.pk))
    current = _current_title(application)
    result = EligibilityResult(qualified=True, blocking=False, counted_to=cutoff)

    if not rules:
        result.notes.append(phrase("no_rules"))
    else:
        series = application.series
        result.checks = [
            check_rule(rule, series=series, educations=educations, current=current, cutoff=cutoffs[rule.pk])
            for rule in rules
        ]
        result.qualified = any(c.passed for c in result.checks)
        if result.qualified:
            index, passed = next((i, c) for i, c in enumerate(result.checks) if c.passed)
            result.counted_to = cutoffs[rules[index].pk]
            result.notes.append(phrase("qualifies_by", rule=passed.rule))
        else:
            result.blocking = any(c.binding for c in result.checks)
            if not result.blocking:
                result.warnings.append(phrase("advisory_fail", level=application.level.name, cutoff=day(cutoff)))

    level = _training_level(application, current)
    training_rules = list(applicable_training_rules(level, chain))
    if training_rules:
        profile = _profile(application.applicant_id)
        rows = {row.year: row for row in ContinuingEducation.objects.filter(applications=application.pk)}
        for rule in training_rules:
            check = check_training(rule, years=_training_years(application, rule, profile), rows=rows)
            result.training.append(check)
            if not check.passed:
                if check.binding:
                    result.blocking = True
                else:
                    result.warnings.append(check)
    return result


def barred(user, *, today: date | None = None) -> Bar | None:
    """Civil servants, retirees and people on the integrity blacklist may not apply (DOMAIN §5)."""
    today = today or timezone.localdate()
    profile = _profile(user.pk)
    if profile is not None and profile.is_civil_servant:
        return Bar(_("您是公务员或参照公务员法管理的人员，不能申报专业技术职称。"))
    if profile is not None and profile.is_retired:
        return Bar(_("您已退休，不能申报专业技术职称。"))
    entry = Blacklist.objects.filter(id_number__iexact=user.id_number, ends_on__gt=today).order_by("-ends_on").first()
    if entry is not None:
        return Bar(
            _("您在诚信黑名单中（原因：%(reason)s），限制申报至%(until)s。")
            % {"reason": entry.reason, "until": render_value(day(entry.ends_on))},
            entry.ends_on,
        )
    return None
