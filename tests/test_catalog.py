import pytest
from django.urls import reverse

from portal.catalog.loader import load_catalog
from portal.catalog.models import Committee, CommitteeGrade, Item, Level, MaterialRequirement, Series, TitleName
from portal.organizations.models import Organization, OrgKind

pytestmark = pytest.mark.django_db


def test_catalogue_counts(catalog):
    assert list(Level.objects.values_list("name", flat=True)) == ["员级", "助理级", "中级", "副高级", "正高级"]
    assert Series.objects.count() == 26
    assert Committee.objects.filter(grade=CommitteeGrade.SENIOR).count() == 11
    assert Committee.objects.filter(grade=CommitteeGrade.INTERMEDIATE).count() == 47
    assert Organization.objects.filter(kind=OrgKind.DEPARTMENT).count() == 22
    nursing = TitleName.objects.get(name="主管护师")
    assert (nursing.series.name, nursing.level.name) == ("卫生技术人员", "中级")
    assert TitleName.objects.get(series__name="中小学教师", name="三级教师").level.code == "yuan"


def test_load_catalog_is_idempotent(catalog):
    before = (
        Series.objects.count(),
        TitleName.objects.count(),
        Committee.objects.count(),
        Organization.objects.count(),
    )
    load_catalog()
    after = (Series.objects.count(), TitleName.objects.count(), Committee.objects.count(), Organization.objects.count())
    assert before == after


def test_item_routes_follow_the_seeds(catalog):
    routes = {item.code: item.stages for item in Item.objects.all()}
    assert "department_review" not in routes["initial_recognition"]
    assert "department_review" in routes["mobile_confirmation"]
    assert "department_review" in routes["reissue"]
    assert routes["evaluation"][:2] == ["unit_review", "unit_notice"]
    assert "committee_review" in routes["evaluation"]
    assert not Item.objects.get(code="transition").online


def test_teacher_materials_are_added_for_the_teacher_series(catalog):
    teacher = Series.objects.get(name="中小学教师")
    names = set(
        MaterialRequirement.objects.filter(item__code="evaluation", series=teacher).values_list("name", flat=True)
    )
    assert {"个人综述", "师德考核表", "教学工作量汇总表", "课堂教学评价表", "课堂教学评估意见表"} <= names


def test_committee_directory_shows_58_and_filters(client, catalog):
    response = client.get(reverse("home:committees"))
    assert len(response.context["committees"]) == 58
    assert "0871-" in response.content.decode()
    teacher = Series.objects.get(name="中小学教师")
    response = client.get(reverse("home:committees"), {"series": teacher.pk, "level": "fugao"})
    assert all(c.series_id == teacher.pk and c.grade == "senior" for c in response.context["committees"])
    assert len(response.context["committees"]) >= 1
    response = client.get(reverse("home:committees"), {"q": "卫生"})
    assert all("卫生" in (c.name + c.scope + c.organizer) for c in response.context["committees"])
    response = client.get(reverse("home:committees"), {"series": "abc", "level": "nonsense"})
    assert response.status_code == 200


def test_series_page_lists_26_series(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get(reverse("home:series"))
    assert len(response.context["series_list"]) == 26
    assert "正高级教师" in response.content.decode()


def test_admin_changes_an_item_route_without_code(client, demo):
    from portal.accounts.models import User

    client.force_login(User.objects.get(mobile="13800000006"))
    item = Item.objects.get(code="initial_recognition")
    url = reverse("admin:catalog_item_change", args=[item.pk])
    assert client.get(url).status_code == 200
    data = {
        "code": item.code,
        "name": item.name,
        "short_name": item.short_name,
        "description": item.description,
        "stages": ["window_intake", "unit_review", "department_review", "bureau_approval", "certificate_issue"],
        "online": "on",
        "obtained_by": item.obtained_by,
        "order": item.order,
        "is_active": "on",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.stages == ["unit_review", "department_review", "window_intake", "bureau_approval", "certificate_issue"]


def test_demo_data_fills_every_reviewers_queue(catalog):
    from applications.models import Application
    from home.demo import load_demo

    load_demo()
    load_demo()  # idempotent
    states = sorted(Application.objects.values_list("state", flat=True))
    assert states == [
        "bureau_approval",
        "committee_review",
        "department_review",
        "returned",
        "unit_review",
        "window_intake",
    ]
    # A unit the demo department created (创建下级单位), approved by it, its officer invited.
    from home.demo import DEMO_CREATED_UNIT, DEMO_DEPARTMENT
    from portal.organizations.models import Invitation, Organization

    created = Organization.objects.get(name=DEMO_CREATED_UNIT)
    assert (created.parent.name, created.status, created.reviewed_by.real_name) == (DEMO_DEPARTMENT, "approved", "王强")
    assert Invitation.objects.filter(organization=created, accepted_at__isnull=True).count() == 1
