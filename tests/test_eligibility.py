"""Eligibility rules (DOMAIN §5): loading them, which apply where, and the explained verdicts."""

import datetime
import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from applications.admin_rules import BlacklistForm
from applications.eligibility import applicable_rules, barred, check_text, evaluate, years_between
from applications.models import (
    Application,
    Blacklist,
    ContinuingEducation,
    CurrentTitle,
    Education,
    EligibilityRule,
    Profile,
    TrainingHoursRule,
)
from applications.rules_loader import RULES_FILE, load_eligibility_rules
from applications.sample import record_row
from portal.catalog.models import Item, Level, Series, TitleName
from portal.organizations.models import Region, Role
from tests.factories import UnitFactory, member

D = Education.Degree
ENGINEERING = "工程技术人员"
ACCOUNTING = "会计人员"  # a series with a national exam


@pytest.fixture
def rules(catalog):
    load_eligibility_rules()


@pytest.fixture
def kunming():
    return Region.objects.get(name="昆明市", parent__name="云南省")


@pytest.fixture
def wuhua(kunming):
    region, _ = Region.objects.get_or_create(name="五华区", parent=kunming)
    return region


def region(*path):
    parent = None
    for name in path:
        parent, _ = Region.objects.get_or_create(name=name, parent=parent)
    return parent


def make_application(
    *,
    region,
    item="initial_recognition",
    level="zhuli",
    series=ENGINEERING,
    year=2026,
    educations=(),
    title=None,
    trainings=(),
    work_start=None,
    submitted_on=None,
):
    """educations: (degree, graduation date) pairs; title: (level code, obtained on). Submitted on
    `submitted_on` (default: 31 December of `year`, so rules counting to the application date and
    to the year's end agree unless a test says otherwise)."""
    submitted_on = submitted_on or date(year, 12, 31)
    unit = UnitFactory(region=region)
    user = member(Role.APPLICANT, unit)
    series_obj = Series.objects.get(name=series)
    level_obj = Level.objects.get(code=level)
    application = Application.objects.create(
        applicant=user,
        unit=unit,
        item=Item.objects.get(code=item),
        series=series_obj,
        level=level_obj,
        title=TitleName.objects.filter(series=series_obj, level=level_obj).first(),
        year=year,
        submitted_at=timezone.make_aware(datetime.datetime.combine(submitted_on, datetime.time(12))),
    )
    for degree, graduated in educations:
        record_row(
            application,
            Education,
            degree=degree,
            school="云南大学",
            major="土木工程",
            start_date=graduated.replace(year=graduated.year - 3),
            graduation_date=graduated,
        )
    if title is not None:
        CurrentTitle.objects.create(
            application=application, level=Level.objects.get(code=title[0]), obtained_on=title[1], title_name="某职称"
        )
    for training_year, total, public in trainings:
        record_row(application, ContinuingEducation, year=training_year, total_hours=total, public_hours=public)
    if work_start is not None:
        Profile.objects.create(user=user, work_start_date=work_start)
    return application


def passed_rules(result):
    return {c.rule for c in result.checks if c.passed}


# --- counting years ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (date(2025, 7, 1), date(2026, 12, 31), "1.4"),
        (date(2019, 6, 30), date(2026, 12, 31), "7.5"),
        (date(2022, 7, 15), date(2026, 12, 31), "4.4"),
        (date(2026, 1, 31), date(2026, 12, 31), "0.9"),
        (date(2025, 12, 31), date(2026, 12, 31), "1.0"),
        (date(2024, 1, 31), date(2024, 2, 29), "0.0"),  # one whole month is 0.08: truncated
        (date(2026, 1, 1), date(2026, 1, 1), "0.0"),
    ],
)
def test_years_between_counts_whole_months(start, end, years):
    assert years_between(start, end) == Decimal(years)


def test_years_between_is_negative_when_reversed():
    assert years_between(date(2027, 7, 1), date(2026, 12, 31)) < 0


# --- the data ---------------------------------------------------------------------------------


def test_load_is_idempotent(catalog):
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    expected = len(data["eligibility_rules"]) + len(data["training_hours_rules"])
    regions_before = Region.objects.count()

    assert load_eligibility_rules() == expected
    counts = (EligibilityRule.objects.count(), TrainingHoursRule.objects.count(), Region.objects.count())
    assert load_eligibility_rules() == expected
    assert (EligibilityRule.objects.count(), TrainingHoursRule.objects.count(), Region.objects.count()) == counts
    assert counts[0] == len(data["eligibility_rules"])
    # The catalogue loader already ran it: 重庆市, 浙江省, 江苏省, 贵州省 exist once; 昆明市 is reused.
    assert counts[2] == regions_before
    for name in ("重庆市", "浙江省", "江苏省", "贵州省"):
        assert Region.objects.filter(name=name).count() == 1
    assert Region.objects.filter(name="昆明市").count() == 1
    assert Region.objects.get(name="重庆市").parent is None
    rule = EligibilityRule.objects.get(name="昆明市初次认定·助理级·本科见习满1年")
    assert rule.region.name == "昆明市" and rule.region.parent.name == "云南省"
    assert rule.binding and rule.min_degree == D.BENKE and rule.min_years_after_degree == 1


def test_load_updates_rows_in_place(catalog):
    load_eligibility_rules()
    rule = EligibilityRule.objects.get(name="职称评审·中级·本科毕业满5年")
    EligibilityRule.objects.filter(pk=rule.pk).update(min_years_after_degree=9, source="")
    load_eligibility_rules()
    rule.refresh_from_db()
    assert rule.min_years_after_degree == 5 and rule.source.startswith("《职称申报指南》")


def test_every_rule_names_its_source(rules):
    for rule in EligibilityRule.objects.all():
        assert rule.source, rule.name
    senior = EligibilityRule.objects.get(level__code="zhenggao", region__isnull=True)
    assert not senior.binding and senior.source.endswith("仅作提示") and "种子" not in senior.source
    kunming = EligibilityRule.objects.get(level__code="zhenggao", region__name="昆明市")
    assert not kunming.binding and "仅作提示" in kunming.source and "12月31日" in kunming.source


# --- Kunming initial recognition ----------------------------------------------------------------

KUNMING_ROWS = [
    # (level, degree, graduated, passes)
    ("yuan", D.ZHONGZHUAN, date(2025, 12, 31), True),  # 1.0 year
    ("yuan", D.ZHONGZHUAN, date(2026, 1, 31), False),  # 0.9 year
    ("yuan", D.DAZHUAN, date(2025, 12, 1), True),
    ("yuan", D.DAZHUAN, date(2026, 2, 1), False),
    ("yuan", D.BENKE, date(2026, 6, 30), True),  # at once
    ("zhuli", D.BENKE, date(2025, 12, 31), True),
    ("zhuli", D.BENKE, date(2026, 1, 31), False),  # 0.9 year
    ("zhuli", D.DAZHUAN, date(2015, 7, 1), False),  # 大专 never reaches 助理级 by recognition
    ("zhuli", D.SHUANGXUESHI, date(2026, 6, 30), True),
    ("zhuli", D.SHUOSHI, date(2026, 6, 30), True),
    ("zhuli", D.BENKE, date(2026, 6, 30), False),
    ("zhongji", D.BOSHI, date(2026, 6, 30), True),
    ("zhongji", D.SHUOSHI, date(2020, 6, 30), False),  # 硕士 never reaches 中级 in Kunming
]


@pytest.mark.parametrize(("level", "degree", "graduated", "passes"), KUNMING_ROWS)
def test_kunming_initial_recognition(rules, wuhua, level, degree, graduated, passes):
    application = make_application(region=wuhua, level=level, educations=[(degree, graduated)])
    result = evaluate(application)
    assert result.checks, "the Kunming rules apply"
    assert result.qualified is passes
    assert result.blocking is (not passes)  # recognition rules are binding


def test_kunming_recognition_counts_to_the_application_date(rules, wuhua):
    # 本科 + 1 year for 助理级: graduated 1 July 2025, a full year on 1 July 2026.
    early = make_application(
        region=wuhua, level="zhuli", educations=[(D.BENKE, date(2025, 7, 1))], submitted_on=date(2026, 6, 30)
    )
    result = evaluate(early)
    assert result.counted_to == date(2026, 6, 30)
    check = next(c for c in result.checks if c.rule == "昆明市初次认定·助理级·本科见习满1年")
    assert not check.passed and "毕业后截至2026年6月30日满0.9年" in check.reason_texts[0]
    on_the_day = make_application(
        region=wuhua, level="zhuli", educations=[(D.BENKE, date(2025, 7, 1))], submitted_on=date(2026, 7, 1)
    )
    result = evaluate(on_the_day)
    assert result.qualified and result.counted_to == date(2026, 7, 1)


def test_a_draft_counts_to_today(rules, wuhua):
    application = make_application(region=wuhua, level="zhuli", educations=[(D.BENKE, date(2020, 7, 1))])
    Application.objects.filter(pk=application.pk).update(submitted_at=None)
    application.refresh_from_db()
    assert evaluate(application).counted_to == timezone.localdate()


def test_kunming_committee_evaluations_count_to_31_december(rules, wuhua):
    # 中级 by 本科 + 5 years: graduated 31 Dec 2021 reaches 5.0 years on 31 Dec 2026, whenever in
    # 2026 the application is submitted; a day later falls short.
    for graduated, passes in ((date(2021, 12, 31), True), (date(2022, 1, 1), False)):
        application = make_application(
            region=wuhua,
            item="evaluation",
            level="zhongji",
            educations=[(D.BENKE, graduated)],
            submitted_on=date(2026, 3, 1),
        )
        result = evaluate(application)
        check = next(c for c in result.checks if c.rule == "昆明市职称评审·中级·本科毕业满5年")
        assert check.passed is passes, graduated
        assert "截至2026年12月31日" in check.reason_texts[0]
        assert result.counted_to == date(2026, 12, 31)
    # Kunming's own rules replace the nationwide ones: each condition is checked once.
    assert all(c.rule.startswith("昆明市") for c in result.checks)


def test_evaluations_elsewhere_count_to_the_application_date(rules):
    chengdu = region("四川省", "成都市")
    results = {}
    for submitted in (date(2026, 6, 30), date(2026, 7, 1)):
        application = make_application(
            region=chengdu,
            item="evaluation",
            level="zhongji",
            educations=[(D.BENKE, date(2021, 7, 1))],
            submitted_on=submitted,
        )
        result = evaluate(application)
        check = next(c for c in result.checks if c.rule == "职称评审·中级·本科毕业满5年")
        results[submitted] = check.passed
        assert result.checks and not any(c.rule.startswith("昆明市") for c in result.checks)
    assert results == {date(2026, 6, 30): False, date(2026, 7, 1): True}


def test_the_counting_date_is_data_on_the_rule(rules):
    rule = EligibilityRule.objects.get(name="职称评审·中级·本科毕业满5年")
    assert rule.counted_to == "application_date"
    assert EligibilityRule.objects.get(name="昆明市职称评审·中级·本科毕业满5年").counted_to == "year_end"
    assert not EligibilityRule.objects.filter(item__code="initial_recognition", counted_to="year_end").exists()
    # The admin changes it, and the verdict follows.
    application = make_application(
        region=region("四川省", "成都市"),
        item="evaluation",
        level="zhongji",
        educations=[(D.BENKE, date(2021, 12, 31))],
        submitted_on=date(2026, 3, 1),
    )
    assert "职称评审·中级·本科毕业满5年" not in passed_rules(evaluate(application))
    EligibilityRule.objects.filter(pk=rule.pk).update(counted_to="year_end")
    assert "职称评审·中级·本科毕业满5年" in passed_rules(evaluate(application))


def test_explanation_names_rule_source_and_facts(rules, wuhua):
    application = make_application(region=wuhua, level="zhuli", educations=[(D.BENKE, date(2026, 1, 31))])
    result = evaluate(application)
    check = next(c for c in result.checks if c.rule == "昆明市初次认定·助理级·本科见习满1年")
    assert not check.passed and check.binding
    assert check.reason_texts == [
        "最高学历为本科（2026年1月毕业），毕业后截至2026年12月31日满0.9年，"
        "要求本科及以上学历且毕业后从事专业技术工作满1年：不符合。"
    ]
    assert check.text.startswith("【昆明市初次认定·助理级·本科见习满1年】不符合。最高学历为本科")
    assert "昆明市职称评审申报指南" in check.text
    lines = result.summary_lines()
    assert any("本科见习满1年" in line for line in lines)
    assert any("要求双学士及以上学历：不符合" in line for line in lines)


def test_result_is_json_serialisable(rules, wuhua):
    application = make_application(region=wuhua, level="zhuli", educations=[(D.BENKE, date(2020, 6, 30))])
    data = evaluate(application).as_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["qualified"] is True and data["counted_to"] == "2026-12-31"
    assert {"rule", "source", "passed", "binding", "reasons"} <= set(data["checks"][0])
    assert "text" not in data["checks"][0]  # codes and parameters are stored, never the sentence


def test_a_stored_verdict_reads_in_the_readers_language(rules, wuhua):
    application = make_application(region=wuhua, level="zhuli", educations=[(D.BENKE, date(2020, 6, 30))])
    stored = json.loads(json.dumps(evaluate(application).as_dict(), ensure_ascii=False))
    chinese = check_text(stored["checks"][0])
    assert chinese.startswith("【") and "符合" in chinese
    with translation.override("en"):
        english = check_text(stored["checks"][0])
    assert english != chinese and "符合" not in english and "毕业" not in english


def test_a_verdict_stored_as_text_before_phrases_still_reads():
    legacy = {
        "rule": "r",
        "source": "",
        "passed": True,
        "binding": True,
        "reasons": ["旧说明。"],
        "text": "【r】符合。旧说明。",
    }
    assert check_text(legacy) == "【r】符合。旧说明。"


# --- where rules apply ------------------------------------------------------------------------


def test_kunming_rule_applies_in_child_region_not_in_chongqing(rules, wuhua):
    in_wuhua = make_application(region=wuhua, level="zhuli", educations=[(D.BENKE, date(2024, 6, 30))])
    names = {r.name for r in applicable_rules(in_wuhua)}
    assert "昆明市初次认定·助理级·本科见习满1年" in names
    assert not any(name.startswith("重庆市") for name in names)

    in_chongqing = make_application(
        region=region("重庆市", "渝北区"), level="zhuli", educations=[(D.BENKE, date(2024, 6, 30))]
    )
    names = {r.name for r in applicable_rules(in_chongqing)}
    assert "重庆市初次认定·助理级·本科毕业满1年" in names
    assert not any(name.startswith("昆明市") for name in names)


def test_rules_filter_by_item_level_series_and_active(rules, wuhua):
    application = make_application(region=wuhua, level="zhuli", educations=[(D.BENKE, date(2024, 6, 30))])
    assert {r.level.code for r in applicable_rules(application)} == {"zhuli"}
    assert {r.item.code for r in applicable_rules(application)} == {"initial_recognition"}

    EligibilityRule.objects.filter(name="昆明市初次认定·助理级·本科见习满1年").update(is_active=False)
    assert "昆明市初次认定·助理级·本科见习满1年" not in {r.name for r in applicable_rules(application)}

    other = Series.objects.get(name="农业技术人员")
    EligibilityRule.objects.filter(name="昆明市初次认定·助理级·硕士或双学士直接认定").update(series=other)
    assert "昆明市初次认定·助理级·硕士或双学士直接认定" not in {r.name for r in applicable_rules(application)}


def test_no_rules_in_region_means_qualified_with_note(rules):
    application = make_application(region=region("四川省", "成都市"), level="zhuli", educations=[])
    result = evaluate(application)
    assert result.qualified and not result.blocking and not result.checks
    assert result.note_texts == ["本事项在您所在地区没有设定资格规则"]
    assert result.summary_lines() == ["本事项在您所在地区没有设定资格规则"]


def test_few_queries(rules, wuhua, django_assert_max_num_queries):
    application = make_application(
        region=wuhua, item="evaluation", level="zhongji", educations=[(D.BENKE, date(2019, 6, 30))]
    )
    application = Application.objects.get(pk=application.pk)
    with django_assert_max_num_queries(10):
        result = evaluate(application)
    # Within the budget with the work done: the level's rules were checked.
    assert result.checks and {check.kind for check in result.checks} == {"eligibility"}


# --- Chongqing ---------------------------------------------------------------------------------


def test_chongqing_excludes_exam_series(rules):
    chongqing = region("重庆市")
    graduated = [(D.BENKE, date(2020, 6, 30))]
    accounting = make_application(region=chongqing, level="zhuli", series=ACCOUNTING, educations=graduated)
    result = evaluate(accounting)
    assert not result.qualified and result.blocking
    for check in result.checks:
        assert not check.passed
        assert "该系列实行全国统一考试，不能通过考核认定取得" in check.text

    engineering = make_application(region=chongqing, level="zhuli", series=ENGINEERING, educations=graduated)
    assert evaluate(engineering).qualified


@pytest.mark.parametrize(
    ("level", "degree", "graduated", "passes"),
    [
        ("yuan", D.ZHONGZHUAN, date(2025, 12, 31), True),
        ("yuan", D.ZHONGZHUAN, date(2026, 1, 31), False),
        ("zhuli", D.DAZHUAN, date(2023, 12, 31), True),
        ("zhuli", D.DAZHUAN, date(2024, 1, 31), False),
        ("zhongji", D.SHUOSHI, date(2024, 12, 31), True),
        ("zhongji", D.SHUOSHI, date(2025, 1, 31), False),
        ("zhongji", D.BOSHI, date(2026, 6, 30), True),
    ],
)
def test_chongqing_initial_recognition(rules, level, degree, graduated, passes):
    application = make_application(region=region("重庆市"), level=level, educations=[(degree, graduated)])
    assert evaluate(application).qualified is passes


# --- evaluation (评审) ---------------------------------------------------------------------------


def test_evaluation_intermediate_by_years_as_assistant(rules, wuhua):
    application = make_application(
        region=wuhua,
        item="evaluation",
        level="zhongji",
        educations=[(D.BENKE, date(2022, 6, 30))],  # only 4.5 years after the degree
        title=("zhuli", date(2022, 7, 15)),
    )
    result = evaluate(application)
    assert result.qualified and not result.blocking
    assert passed_rules(result) == {"昆明市职称评审·中级·本科任助理级满4年", "昆明市职称评审·中级·大专任助理级满4年"}
    check = next(c for c in result.checks if c.rule == "昆明市职称评审·中级·本科任助理级满4年")
    assert "要求任助理级满4年，您于2022年7月取得助理级职称，截至2026年12月31日满4.4年：符合。" in check.reason_texts


def test_evaluation_intermediate_by_years_after_degree(rules, wuhua):
    application = make_application(
        region=wuhua, item="evaluation", level="zhongji", educations=[(D.BENKE, date(2019, 6, 30))]
    )
    result = evaluate(application)
    assert result.qualified
    assert passed_rules(result) == {"昆明市职称评审·中级·本科毕业满5年", "昆明市职称评审·中级·大专毕业满7年"}
    check = next(c for c in result.checks if c.rule == "昆明市职称评审·中级·本科毕业满5年")
    assert check.reason_texts == [
        "最高学历为本科（2019年6月毕业），毕业后截至2026年12月31日满7.5年，"
        "要求本科及以上学历且毕业后从事专业技术工作满5年：符合。"
    ]
    no_title = next(c for c in result.checks if c.rule == "昆明市职称评审·中级·本科任助理级满4年")
    assert not no_title.passed and "您尚未填写现有职称" in no_title.reason_texts[-1]


def test_evaluation_intermediate_fails_just_below_both(rules, wuhua):
    application = make_application(
        region=wuhua,
        item="evaluation",
        level="zhongji",
        educations=[(D.BENKE, date(2022, 1, 31))],  # 4.9 years
        title=("zhuli", date(2023, 1, 31)),  # 3.9 years
    )
    result = evaluate(application)
    assert not result.qualified and result.blocking


def test_years_after_an_earlier_lower_degree_still_count(rules, wuhua):
    # 大专 in 2015, part-time 本科 in 2024: seven years after the 大专 qualify for 中级.
    application = make_application(
        region=wuhua,
        item="evaluation",
        level="zhongji",
        educations=[(D.DAZHUAN, date(2015, 7, 1)), (D.BENKE, date(2024, 1, 1))],
    )
    result = evaluate(application)
    assert "昆明市职称评审·中级·大专毕业满7年" in passed_rules(result)
    check = next(c for c in result.checks if c.rule == "昆明市职称评审·中级·大专毕业满7年")
    assert check.reason_texts[0].startswith("具有大专学历（2015年7月毕业）")


def test_senior_associate_from_junior_college_needs_both_conditions(rules, wuhua):
    def apply(graduated, obtained):
        return evaluate(
            make_application(
                region=wuhua,
                item="evaluation",
                level="fugao",
                educations=[(D.DAZHUAN, graduated)],
                title=("zhongji", obtained),
            )
        )

    assert apply(date(2010, 7, 1), date(2020, 7, 1)).qualified
    assert not apply(date(2012, 7, 1), date(2020, 7, 1)).qualified  # 14.5 years after 大专
    assert not apply(date(2010, 7, 1), date(2022, 7, 1)).qualified  # 4.5 years as 中级


def test_full_senior_rule_is_only_a_warning(rules, wuhua):
    application = make_application(
        region=wuhua,
        item="evaluation",
        level="zhenggao",
        educations=[(D.BENKE, date(2005, 7, 1))],
        title=("fugao", date(2023, 1, 1)),
    )
    result = evaluate(application)
    assert not result.qualified and not result.blocking
    assert any("仅作提示" in w for w in result.warning_texts)


# --- continuing education -----------------------------------------------------------------------


def test_jiangsu_training_shortfall_is_a_warning(rules):
    nanjing = region("江苏省", "南京市")
    application = make_application(
        region=nanjing,
        item="evaluation",
        level="zhongji",
        educations=[(D.BENKE, date(2015, 7, 1))],
        title=("zhuli", date(2020, 7, 1)),  # 初级 in the years checked: 40 hours a year, 14 public
        trainings=[(2021, 40, 14), (2022, 30, 14), (2023, 40, 10), (2025, 80, 30)],
        work_start=date(2015, 7, 1),
    )
    result = evaluate(application)
    assert result.qualified and not result.blocking
    [check] = result.training
    assert check.rule.startswith("江苏省继续教育·初级") and not check.passed and not check.binding
    reasons = "".join(check.reason_texts)
    assert "2022年继续教育30学时，要求不少于40学时：不足。" in reasons
    assert "2023年公需科目10学时，要求不少于14学时（33%）：不足。" in reasons
    assert "2024年未填写继续教育记录" in reasons
    assert "2021年" not in reasons and "2025年" not in reasons
    assert check.text in result.warning_texts


def test_jiangsu_training_met_for_intermediate_holders(rules):
    application = make_application(
        region=region("江苏省", "盐城市"),
        item="evaluation",
        level="fugao",
        educations=[(D.BENKE, date(2010, 7, 1))],
        title=("zhongji", date(2019, 7, 1)),
        trainings=[(year, 72, 24) for year in range(2021, 2026)],
    )
    result = evaluate(application)
    [check] = result.training
    assert check.rule.startswith("江苏省继续教育·中级") and check.passed
    assert result.warning_texts == []


def test_binding_training_rule_blocks(rules):
    TrainingHoursRule.objects.update(binding=True)
    application = make_application(
        region=region("贵州省", "贵阳市"),
        level="zhuli",
        educations=[(D.BENKE, date(2019, 7, 1))],
        title=("yuan", date(2020, 7, 1)),
        trainings=[(year, 32, 0) for year in range(2021, 2025)],  # 2025 missing
    )
    result = evaluate(application)
    assert result.qualified  # no Guizhou recognition rules
    assert result.blocking
    assert any("2025年未填写继续教育记录" in line for line in result.summary_lines())


def test_training_not_counted_before_work_started(rules):
    application = make_application(
        region=region("江苏省", "南京市"),
        level="yuan",
        educations=[(D.DAZHUAN, date(2025, 6, 30))],
        work_start=date(2025, 7, 1),
    )
    [check] = evaluate(application).training
    assert check.passed and "暂不考查" in check.reason_texts[0]


# --- who may not apply ------------------------------------------------------------------------


def test_not_barred_without_profile(catalog):
    assert barred(member(Role.APPLICANT)) is None


def test_civil_servant_is_barred(catalog):
    user = member(Role.APPLICANT)
    Profile.objects.create(user=user, is_civil_servant=True)
    bar = barred(user)
    assert bar is not None and "公务员" in bar.reason and bar.ends_on is None


def test_retiree_is_barred(catalog):
    user = member(Role.APPLICANT)
    Profile.objects.create(user=user, is_retired=True)
    bar = barred(user)
    assert bar is not None and "退休" in bar.reason


def test_blacklisted_until_ends_on(catalog):
    user = member(Role.APPLICANT)
    Blacklist.objects.create(
        id_number=user.id_number.lower(),
        real_name=user.real_name,
        reason="提供虚假业绩材料",
        decided_on=date(2024, 3, 1),
        ends_on=date(2027, 3, 1),
    )
    bar = barred(user, today=date(2026, 5, 1))
    assert bar.reason == "您在诚信黑名单中（原因：提供虚假业绩材料），限制申报至2027年3月1日。"
    assert bar.ends_on == date(2027, 3, 1)
    assert bar.as_dict() == {"reason": bar.reason, "ends_on": "2027-03-01"}
    assert barred(user, today=date(2027, 3, 1)) is None  # the bar ends on ends_on


def test_expired_blacklist_row_does_not_bar(catalog):
    user = member(Role.APPLICANT)
    Blacklist.objects.create(
        id_number=user.id_number,
        real_name=user.real_name,
        reason="论文抄袭",
        decided_on=date(2020, 1, 1),
        ends_on=date(2023, 1, 1),
    )
    assert barred(user, today=date(2026, 5, 1)) is None


def test_blacklist_form_defaults_ends_on_to_three_years(catalog):
    data = {"id_number": "53010219900101001x", "real_name": "张三", "reason": "伪造学历", "decided_on": "2024-02-29"}
    form = BlacklistForm(data=data)
    assert form.is_valid(), form.errors
    entry = form.save()
    assert entry.ends_on == date(2027, 2, 28)
    assert entry.id_number.endswith("X")

    form = BlacklistForm(data={**data, "ends_on": "2024-01-01"})
    assert not form.is_valid() and "ends_on" in form.errors
