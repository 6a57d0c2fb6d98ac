"""Issue 11: exam-only series (以考代评) per region and item, as data: Chongqing's list for initial
recognition, Kunming's (003 Q16) for recognition and evaluation up to 中级. Starting is refused
with a Chinese message at the series, the start page says so, and submitting checks again."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services as filing
from portal.catalog.models import ExamOnlySeries, Item, Level, Series, TitleName
from portal.organizations.models import Region
from tests.factories import UnitFactory, member

pytestmark = pytest.mark.django_db

CHONGQING_WHOLE = {
    "卫生技术人员",
    "经济专业人员",
    "会计人员",
    "统计专业人员",
    "审计专业人员",
    "翻译专业人员",
    "出版专业人员",
    "农业技术人员",
}


def applicant_in(*path):
    region = None
    for name in path:
        region, _ = Region.objects.get_or_create(parent=region, name=name)
    return member("applicant", UnitFactory(region=region))


def start(user, *, item="initial_recognition", series, level, **extra):
    series = Series.objects.get(name=series)
    level = Level.objects.get(code=level)
    return filing.application_start(
        user=user,
        item=Item.objects.get(code=item),
        series=series,
        level=level,
        title=TitleName.objects.filter(series=series, level=level).first(),
        **extra,
    )


def test_the_lists_are_data(catalog):
    chongqing = ExamOnlySeries.objects.filter(region__name="重庆市", item__code="initial_recognition")
    assert {r.series.name for r in chongqing if not r.speciality} == CHONGQING_WHOLE
    assert {r.speciality for r in chongqing if r.speciality} == {"通信", "计算机", "园林"}
    kunming = ExamOnlySeries.objects.filter(region__name="昆明市")
    assert {r.item.code for r in kunming} == {"initial_recognition", "evaluation"}
    assert {r.max_level.code for r in kunming} == {"zhongji"}
    assert all("第16问" in r.source for r in kunming)


def test_chongqing_refuses_recognition_of_an_exam_series_at_the_field(catalog):
    user = applicant_in("重庆市", "渝北区")
    with pytest.raises(ValidationError) as error:
        start(user, series="会计人员", level="zhuli")
    (message,) = error.value.error_dict["series"][0].messages
    assert message.startswith("重庆市规定：会计人员系列助理级职称实行全国或本地统一考试（以考代评），只能通过考试取得")
    assert "不能通过“初次认定”取得" in message and "二(3)" in message


def test_chongqing_allows_other_series_and_names_the_exam_specialities(catalog, client):
    user = applicant_in("重庆市")
    application = start(user, series="工程技术人员", level="zhuli", speciality="土木工程")
    assert (application.pk, application.speciality) == (application.pk, "土木工程")
    client.force_login(user)
    query = {
        "item": Item.objects.get(code="initial_recognition").pk,
        "series": Series.objects.get(name="工程技术人员").pk,
        "level": Level.objects.get(code="zhongji").pk,
    }
    page = client.get(reverse("applications:start"), query).content.decode()
    assert 'id="exam-only"' not in page
    assert "工程技术人员系列中的通信、计算机、园林专业实行统一考试" in page


def test_the_start_page_says_so_before_anything_is_created(catalog, client):
    user = applicant_in("重庆市")
    client.force_login(user)
    query = {
        "item": Item.objects.get(code="initial_recognition").pk,
        "series": Series.objects.get(name="卫生技术人员").pk,
        "level": Level.objects.get(code="zhuli").pk,
    }
    page = client.get(reverse("applications:start"), query).content.decode()
    assert 'id="exam-only"' in page and "重庆市规定：卫生技术人员系列" in page


def test_kunming_refuses_up_to_intermediate_only(catalog):
    user = applicant_in("云南省", "昆明市", "五华区")
    with pytest.raises(ValidationError) as error:
        start(user, item="evaluation", series="会计人员", level="zhongji")
    assert "昆明市规定" in error.value.error_dict["series"][0].messages[0]
    # 高级会计师 is still evaluated (考评结合): past the exam's levels the refusal does not apply;
    # what stops it here is only the committee, which the form asks for next.
    with pytest.raises(ValidationError) as error:
        start(user, item="evaluation", series="会计人员", level="fugao")
    assert "series" not in error.value.error_dict and "committee" in error.value.error_dict


def test_other_regions_and_items_are_not_refused(catalog):
    user = applicant_in("四川省", "成都市")
    assert start(user, series="会计人员", level="zhuli").pk
    chongqing = applicant_in("重庆市")
    # A reissue of an exam certificate is not an exam-only matter.
    assert start(chongqing, item="reissue", series="会计人员", level="zhongji").pk


def test_submit_checks_again(catalog):
    user = applicant_in("重庆市")
    application = start(user, series="工程技术人员", level="zhuli", speciality="土木工程")
    ExamOnlySeries.objects.create(
        region=Region.objects.get(name="重庆市", parent=None),
        item=application.item,
        series=application.series,
        source="测试依据",
    )
    with pytest.raises(filing.SubmitRefused) as refused:
        filing.application_submit(application=application, user=user)
    assert any(str(p).startswith("重庆市规定：工程技术人员系列助理级职称") for p in refused.value.problems)
    application.refresh_from_db()
    assert application.state == "draft"


def test_an_exam_only_speciality_is_refused_at_the_speciality_field(catalog):
    """通信, 计算机 and 园林 are specialities inside 工程: the applicant's speciality is recorded at
    the start, and one of those (or one of their sub-fields) is refused there."""
    user = applicant_in("重庆市", "渝北区")
    for typed in ("计算机", "计算机应用技术", "园林绿化"):
        with pytest.raises(ValidationError) as error:
            start(user, series="工程技术人员", level="zhuli", speciality=typed)
        (message,) = error.value.error_dict["speciality"][0].messages
        assert message.startswith("重庆市规定：工程技术人员系列中的")
        assert "专业实行全国或本地统一考试（以考代评），只能通过考试取得，不能通过“初次认定”取得" in message
        assert "二(3)" in message
    assert not user.applications.exists()


def test_where_specialities_are_exam_only_the_speciality_must_be_named(catalog):
    user = applicant_in("重庆市")
    with pytest.raises(ValidationError) as error:
        start(user, series="工程技术人员", level="zhuli", speciality="  ")
    (message,) = error.value.error_dict["speciality"][0].messages
    assert message.startswith("请填写申报专业") and "通信、计算机、园林" in message
    # Elsewhere (no speciality rule) it may stay empty, as before.
    assert start(applicant_in("四川省", "成都市"), series="工程技术人员", level="zhuli").speciality == ""
    # Kunming's rule stops at 中级: a senior engineer in computing is evaluated, not examined.
    kunming = applicant_in("云南省", "昆明市", "五华区")
    with pytest.raises(ValidationError) as error:
        start(kunming, item="evaluation", series="工程技术人员", level="fugao", speciality="计算机")
    assert "speciality" not in error.value.error_dict


def test_the_start_form_records_the_speciality_and_shows_the_refusal_at_it(catalog, client):
    user = applicant_in("重庆市")
    client.force_login(user)
    series = Series.objects.get(name="工程技术人员")
    level = Level.objects.get(code="zhuli")
    data = {
        "item": Item.objects.get(code="initial_recognition").pk,
        "series": series.pk,
        "level": level.pk,
        "title": TitleName.objects.filter(series=series, level=level).first().pk,
        "speciality": "通信工程",
        "create": "1",
    }
    response = client.post(reverse("applications:start"), data)
    assert response.status_code == 200
    assert "通信" in str(response.context["form"].errors["speciality"])
    assert 'id="id_speciality"' in response.content.decode()
    response = client.post(reverse("applications:start"), {**data, "speciality": "道路桥梁"})
    assert response.status_code == 302
    assert user.applications.get().speciality == "道路桥梁"


def test_submit_checks_the_recorded_speciality_again(catalog):
    """A rule added after the start (or a draft whose speciality became exam-only) is refused at
    submission, with the same message."""
    user = applicant_in("四川省", "成都市")
    application = start(user, series="工程技术人员", level="zhuli", speciality="计算机网络")
    ExamOnlySeries.objects.create(
        region=Region.objects.get(name="四川省", parent=None),
        item=application.item,
        series=application.series,
        speciality="计算机",
        source="测试依据",
    )
    with pytest.raises(filing.SubmitRefused) as refused:
        filing.application_submit(application=application, user=user)
    assert any("四川省规定：工程技术人员系列中的计算机专业" in str(p) for p in refused.value.problems)
    application.refresh_from_db()
    assert application.state == "draft"
