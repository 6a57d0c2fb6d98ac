"""Say what happens next (issue 14, point 4) and the unit's own words (point 6): a return names
the sections to change and the applicant's pages show it; the unit writes its recommendation at
its review; the unit HR officer messages its staff."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from applications.models import State
from portal.catalog.loader import load_catalog
from portal.catalog.models import Item, MaterialRequirement
from portal.notifications.models import Notification
from portal.organizations.models import Organization
from reviews.models import ReturnedSections, UnitRecommendation
from reviews.selectors import unit_recommendation
from tests.factories import UnitFactory, member
from tests.workflow_helpers import DEMO, submitted, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(demo):
    return submitted("initial_recognition")


def decide(client, application, **data):
    return client.post(reverse("reviews:decide", args=[application.pk]), {"expected_state": application.state, **data})


def test_a_return_marks_sections_and_the_applicant_sees_opinion_marks_and_chances(as_role, filed):
    client = as_role("unit_hr")
    page = client.get(reverse("reviews:detail", args=[filed.pk])).content.decode()
    assert 'name="sections"' in page and 'value="work"' in page
    response = decide(
        client,
        filed,
        step="return_for_changes",
        opinion="工作经历过于简略，请补充。",
        sections=["work", "materials", "not-a-section"],  # a tampered key ticks nothing
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.state == State.RETURNED
    row = ReturnedSections.objects.get(application=filed)
    assert row.sections == [] and row.opinion == "工作经历过于简略，请补充。"

    # Once more, with good keys only, from a fresh submission.
    applicant = as_role("applicant")
    assert applicant.post(reverse("applications:submit", args=[filed.pk])).status_code == 302
    filed.refresh_from_db()
    decide(
        as_role("unit_hr"), filed, step="return_for_changes", opinion="请补充工作经历。", sections=["work", "education"]
    )
    filed.refresh_from_db()
    page = as_role("applicant").get(reverse("applications:section", args=[filed.pk, "work"])).content.decode()
    assert 'id="return-notice"' in page and "请补充工作经历。" in page
    assert page.count("需修改") >= 2  # the two marked sections in the menu
    assert f"还剩 {filed.returns_left} 次退回/重置机会" in page
    assert filed.returns_left == 2
    timeline = as_role("applicant").get(reverse("applications:timeline", args=[filed.pk])).content.decode()
    assert "剩余退回/重置机会 2 次" in timeline

    # Submitted again: the notice is gone.
    assert as_role("applicant").post(reverse("applications:submit", args=[filed.pk])).status_code == 302
    filed.refresh_from_db()
    assert filed.state == State.UNIT_REVIEW
    page = as_role("applicant").get(reverse("applications:section", args=[filed.pk, "work"])).content.decode()
    assert 'id="return-notice"' not in page


def test_the_return_form_offers_only_the_sections_the_item_asks_for(as_role, filed):
    """Initial recognition asks for basic information, education and work history: its return
    form offers those and the materials, not the work summary it never had (defect)."""
    client = as_role("unit_hr")
    page = client.get(reverse("reviews:detail", args=[filed.pk])).content.decode()
    offered = set(re.findall(r'name="sections" value="([a-z_]+)"', page))
    assert offered == {"basic", "education", "work", "materials"}
    # A section the item has not is no choice: posted by hand, it ticks nothing.
    decide(client, filed, step="return_for_changes", opinion="请补充。", sections=["summary", "work"])
    assert ReturnedSections.objects.get(application=filed).sections == []


def test_an_evaluation_return_form_offers_every_section(as_role, demo):
    evaluation = submitted("evaluation")
    page = as_role("unit_hr").get(reverse("reviews:detail", args=[evaluation.pk])).content.decode()
    offered = set(re.findall(r'name="sections" value="([a-z_]+)"', page))
    assert {"summary", "papers", "commitment", "materials"} <= offered


def test_the_unit_writes_its_recommendation_and_later_stages_see_it(as_role, filed):
    client = as_role("unit_hr")
    page = client.get(reverse("reviews:detail", args=[filed.pk])).content.decode()
    assert "基层单位意见" in page and 'name="recommendation"' in page
    text = "经单位职称推荐小组（5人）集体研究，同意推荐；已在单位公示5个工作日，无异议。"
    decide(client, filed, step="unit_recommend", opinion="同意推荐。", recommendation=text)
    filed.refresh_from_db()
    assert filed.state == State.WINDOW_INTAKE
    recommendation = UnitRecommendation.objects.get(application=filed)
    assert recommendation.text == text and recommendation.unit == filed.unit
    assert recommendation.written_by == user("unit_hr")
    page = as_role("window_staff").get(reverse("reviews:detail", args=[filed.pk])).content.decode()
    assert 'id="unit-recommendation"' in page and text in page
    # The window does not write one.
    assert 'name="recommendation"' not in page


def test_the_application_form_pdf_carries_the_units_recommendation(as_role, filed):
    decide(as_role("unit_hr"), filed, step="unit_recommend", opinion="同意。", recommendation="集体研究，同意推荐。")
    html = render_to_string(
        "certificates/pdf/form.html", {"a": filed, "sections": [], "recommendation": unit_recommendation(filed)}
    )
    assert "集体研究，同意推荐。" in html and "用人单位意见" in html


def test_unit_message_reaches_only_the_units_own_staff(as_role, demo):
    unit = Organization.objects.get(name="昆明市第一中学")
    colleague = member("applicant", unit, real_name="钱老师")
    stranger = member("applicant", UnitFactory(), real_name="外单位")
    client = as_role("unit_hr")
    url = reverse("organizations:unit_message", args=[unit.pk])
    page = client.get(url).content.decode()
    assert "钱老师" in page and "外单位" not in page
    # Someone of another unit, posted by hand, is refused at the field, and nobody is told.
    response = client.post(url, {"topic": "通知", "message": "请按时提交。", "recipients": [stranger.pk]})
    assert response.status_code == 200 and not Notification.objects.exists()
    membership = colleague.memberships.get(organization=unit)
    response = client.post(url, {"topic": "材料提交", "message": "请于周五前提交。", "recipients": [membership.pk]})
    assert response.status_code == 302
    notification = Notification.objects.get()
    assert notification.recipient == colleague and notification.event == "unit_message"
    assert "请于周五前提交。" in notification.body and "昆明市第一中学" in notification.subject
    # None ticked: the whole unit but the sender.
    client.post(url, {"topic": "全员", "message": "下周开会。"})
    told = set(Notification.objects.filter(subject__contains="全员").values_list("recipient__mobile", flat=True))
    assert colleague.mobile in told and DEMO["applicant"] in told and DEMO["unit_hr"] not in told
    assert stranger.mobile not in told


def test_reloading_the_catalogue_retires_the_scanned_recommendation_form(catalog):
    item = Item.objects.get(code="initial_recognition")
    stale = MaterialRequirement.objects.create(item=item, name="单位推荐意见表", order=99)
    load_catalog()
    assert not MaterialRequirement.objects.filter(pk=stale.pk).exists()
    assert MaterialRequirement.objects.filter(item=item).exists()
