"""The reviewer's queue and review page (issue 15 part 4): batch return and fail with one opinion,
each audited singly and scoped like batch pass; select all; the next file; expand all; materials
previewed in the page through the permission-checking view."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import Action, Application, Material, State
from applications.workflow.records import ReviewRecord
from tests.factories import ApplicationFactory, UnitFactory
from tests.test_certificates_helpers import another_applicant
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db
BATCH = reverse("reviews:batch")


def _two_at_unit_review():
    return [
        at(State.UNIT_REVIEW, "initial_recognition"),
        at(State.UNIT_REVIEW, "initial_recognition", another_applicant()),
    ]


def test_batch_return_with_one_opinion_audits_each_singly(client, demo):
    mine = _two_at_unit_review()
    elsewhere = ApplicationFactory(state=State.UNIT_REVIEW, item_code="initial_recognition", unit=UnitFactory())
    client.force_login(user("unit_hr"))
    page = client.get(reverse("reviews:queue")).content.decode()
    assert 'id="select-all"' in page and 'id="batch-return"' in page and 'id="batch-fail"' in page
    response = client.post(
        BATCH,
        {
            "application": [a.pk for a in mine] + [elsewhere.pk],
            "opinion": "请补充近五年年度考核表。",
            "action": "return",
            "query": "sort=waiting&unit=第一中学",
        },
    )
    assert (
        response.status_code == 302
        and response.url == reverse("reviews:queue") + "?sort=waiting&unit=%E7%AC%AC%E4%B8%80%E4%B8%AD%E5%AD%A6"
    )
    for application in mine:
        application.refresh_from_db()
        assert application.state == State.RETURNED
        record = ReviewRecord.objects.get(application=application, action=Action.RETURN)
        assert record.opinion == "请补充近五年年度考核表。" and record.actor == user("unit_hr")
    elsewhere.refresh_from_db()
    assert elsewhere.state == State.UNIT_REVIEW
    assert not ReviewRecord.objects.filter(application=elsewhere, actor=user("unit_hr")).exists()


def test_batch_fail_and_what_is_not_the_reviewers_step_is_refused_and_audited(client, demo):
    waiting = at(State.UNIT_REVIEW, "initial_recognition")
    later = at(State.BUREAU_APPROVAL, "initial_recognition", another_applicant())
    client.force_login(user("unit_hr"))
    response = client.post(
        BATCH, {"application": [waiting.pk, later.pk], "opinion": "不符合申报条件。", "action": "fail"}, follow=True
    )
    page = response.content.decode()
    assert "已将 1 份申报审核为不通过。" in page
    assert f"申报 {later.pk} 未处理" in page
    assert Application.objects.get(pk=waiting.pk).state == State.FAILED
    assert Application.objects.get(pk=later.pk).state == State.BUREAU_APPROVAL
    assert ReviewRecord.objects.filter(application=later, action=Action.REFUSED, actor=user("unit_hr")).count() == 1


def test_a_batch_needs_an_opinion_and_a_known_action(client, demo):
    waiting = at(State.UNIT_REVIEW, "initial_recognition")
    client.force_login(user("unit_hr"))
    page = client.post(BATCH, {"application": [waiting.pk], "opinion": "", "action": "return"}, follow=True)
    assert "批量处理也须填写审核意见。" in page.content.decode()
    page = client.post(BATCH, {"application": [waiting.pk], "opinion": "x", "action": "erase"}, follow=True)
    assert page.status_code == 200
    assert Application.objects.get(pk=waiting.pk).state == State.UNIT_REVIEW


def test_the_review_page_links_to_the_next_file_and_expands_all(client, demo):
    first, second = _two_at_unit_review()
    client.force_login(user("unit_hr"))
    page = client.get(reverse("reviews:detail", args=[first.pk])).content.decode()
    assert f'id="next-file" href="{reverse("reviews:detail", args=[second.pk])}"' in page
    assert 'data-expand-all="#filed-content details"' in page
    # The last one leads back round to the first still waiting.
    page = client.get(reverse("reviews:detail", args=[second.pk])).content.decode()
    assert f'id="next-file" href="{reverse("reviews:detail", args=[first.pk])}"' in page
    client.post(BATCH, {"application": [first.pk], "opinion": "退回。", "action": "return"})
    page = client.get(reverse("reviews:detail", args=[second.pk])).content.decode()
    assert 'id="next-file"' not in page


def test_materials_preview_inline_in_the_page_for_the_reviewer_only(client, demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    material = application.materials.first()
    url = reverse("reviews:material_preview", args=[application.pk, material.pk])
    client.force_login(user("unit_hr"))
    page = client.get(reverse("reviews:detail", args=[application.pk])).content.decode()
    assert f'<iframe src="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # The page itself still may not be framed by anyone.
    detail = client.get(reverse("reviews:detail", args=[application.pk]))
    assert "frame-ancestors 'none'" in detail["Content-Security-Policy"]
    for person in (application.applicant, user("committee_expert")):
        client.force_login(person)
        assert client.get(url).status_code == 404
    other = ApplicationFactory(state=State.UNIT_REVIEW, item_code="initial_recognition", unit=UnitFactory())
    client.force_login(user("unit_hr"))
    assert (
        client.get(reverse("reviews:material_preview", args=[application.pk, other.materials.first().pk])).status_code
        == 404
    )


def test_an_image_previews_as_an_image_and_other_types_only_download(client, demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    image = Material.objects.create(
        application=application,
        name="证件照",
        file=ContentFile(png, name="photo.png"),
        extension=".png",
        content_type="image/png",
        size=len(png),
        sha256="0" * 64,
        original_name="photo.png",
    )
    sheet = Material.objects.create(
        application=application,
        name="业绩表",
        file=ContentFile(b"PK", name="sheet.xlsx"),
        extension=".xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size=2,
        sha256="1" * 64,
        original_name="sheet.xlsx",
    )
    client.force_login(user("unit_hr"))
    page = client.get(reverse("reviews:detail", args=[application.pk])).content.decode()
    assert f'<img src="{reverse("reviews:material_preview", args=[application.pk, image.pk])}"' in page
    assert reverse("reviews:material_preview", args=[application.pk, sheet.pk]) not in page
    assert (
        client.get(reverse("reviews:material_preview", args=[application.pk, image.pk]))["Content-Type"] == "image/png"
    )
    assert client.get(reverse("reviews:material_preview", args=[application.pk, sheet.pk])).status_code == 404
