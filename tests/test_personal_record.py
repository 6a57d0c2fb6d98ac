"""The personal record (个人业务档案): rows kept once per person, selected by each application,
frozen at submission, verified by the unit or window, and asked for only by the items that need them."""

import re

import pytest
from django.urls import reverse

from applications import models as m
from applications import services as filing
from applications.models import State
from applications.sample import record_row
from applications.sections import SECTIONS, asked_keys
from portal.catalog.models import Item
from tests.factories import UnitFactory, member
from tests.filing_helpers import fill_everything, teacher_evaluation
from tests.test_filing_bad_input import EDUCATION, rows_post
from tests.workflow_helpers import start, step, submitted, user

pytestmark = pytest.mark.django_db


def section_url(application, key):
    return reverse("applications:section", args=[application.pk, key])


def test_a_second_application_takes_in_the_record_with_nothing_missing(demo):
    first = submitted("initial_recognition")
    second = teacher_evaluation(first.applicant)
    assert list(second.educations.all()) == list(first.educations.all())
    assert list(second.jobs.all()) == list(first.jobs.all())
    missing = {item.key for item in filing.completeness(second)}
    assert not missing & {"education", "work"}
    # One row in the record, used by both applications.
    assert m.Education.objects.filter(person=first.applicant).count() == 1


def test_record_edits_never_change_a_submitted_application(demo, client):
    application = submitted("initial_recognition")
    filed = application.filed_content
    row = application.educations.get()
    client.force_login(application.applicant)
    data = rows_post(
        "education",
        [{**EDUCATION, "id": str(row.pk), "school": "后来改的大学", "start_date": "2004-09-01"}],
        initial=1,
    )
    response = client.post(reverse("record:section", args=["education"]), data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.school == "后来改的大学"
    application.refresh_from_db()
    assert application.filed_content == filed
    page = client.get(section_url(application, "education")).content.decode()
    assert "云南师范大学" in page and "后来改的大学" not in page


def test_a_new_record_row_is_taken_into_open_drafts_only(demo, client):
    filed = submitted("initial_recognition")
    draft = teacher_evaluation(filed.applicant)
    client.force_login(filed.applicant)
    row = {"name": "职称外语", "taken_on": "2012-05-01", "score": "合格"}
    assert client.post(reverse("record:section", args=["exams"]), rows_post("exams", [row])).status_code == 302
    exam = m.Exam.objects.get(person=filed.applicant)
    assert list(exam.applications.all()) == [draft]


def test_the_record_shows_only_the_persons_own_rows(demo, client):
    mine = teacher_evaluation(member("applicant", UnitFactory()))
    theirs = teacher_evaluation(member("applicant", UnitFactory()))
    record_row(mine, m.Education, **{**EDUCATION, "degree": 3, "school": "我的大学"})
    record_row(theirs, m.Education, **{**EDUCATION, "degree": 3, "school": "别人的大学"})
    client.force_login(mine.applicant)
    page = client.get(reverse("record:section", args=["education"])).content.decode()
    assert "我的大学" in page and "别人的大学" not in page
    assert "我的大学" in client.get(section_url(mine, "education")).content.decode()


def test_an_application_may_leave_a_record_row_out(demo, client):
    application = teacher_evaluation(member("applicant", UnitFactory()))
    kept = record_row(application, m.Education, **{**EDUCATION, "degree": 3, "school": "用的大学"})
    left = record_row(application, m.Education, **{**EDUCATION, "degree": 5, "school": "不用的大学"})
    client.force_login(application.applicant)
    rows = [
        {**EDUCATION, "id": str(kept.pk), "degree": "3", "school": "用的大学"},
        {**EDUCATION, "id": str(left.pk), "degree": "5", "school": "不用的大学", "exclude": "on"},
    ]
    response = client.post(section_url(application, "education"), rows_post("education", rows, initial=2))
    assert response.status_code == 302
    assert list(application.educations.all()) == [kept]
    assert m.Education.objects.filter(pk=left.pk, person=application.applicant).exists()  # still on record
    assert [r["school"] for r in filing.snapshot(application)["education"]] == ["用的大学"]


def test_representative_works_are_marked_up_to_the_series_maximum(demo, client):
    application = teacher_evaluation(member("applicant", UnitFactory()))
    application.series.representative_works_max = 1
    application.series.save()
    client.force_login(application.applicant)
    paper = {"title": "论文", "journal": "数学通报", "issue": "2020年第1期", "published_on": "2020-01-01", "rank": "1"}
    two = [{**paper, "representative": "on"}, {**paper, "title": "论文二", "representative": "on"}]
    response = client.post(section_url(application, "papers"), rows_post("papers", two))
    assert response.status_code == 200
    assert "代表作最多1件" in response.content.decode()
    assert not m.Paper.objects.exists()
    one = [{**paper, "representative": "on"}, {**paper, "title": "论文二"}]
    assert client.post(section_url(application, "papers"), rows_post("papers", one)).status_code == 302
    assert [p.title for p in application.representative_papers.all()] == ["论文"]
    filed = [row.get("representative", False) for row in filing.snapshot(application)["papers"]]
    assert sorted(filed) == [False, True]


def test_a_next_evaluation_pre_marks_the_works_marked_last_time(demo, client):
    """代表作 marked in the person's last evaluation are marked again in the next one (at most the
    series' maximum), and stay editable there; the earlier application keeps its own marks."""
    person = member("applicant", UnitFactory())
    first = teacher_evaluation(person)
    paper = {"journal": "数学通报", "issue": "2020年第1期", "published_on": "2020-01-01", "rank": 1}
    best = record_row(first, m.Paper, title="最好的论文", **paper)
    record_row(first, m.Paper, title="一般的论文", **paper)
    book = record_row(
        first, m.Book, title="教学专著", publisher="人民教育出版社", published_on="2019-05-01", role="主编"
    )
    first.representative_papers.add(best)
    first.representative_books.add(book)
    m.Application.objects.filter(pk=first.pk).update(state=State.FAILED)  # closed: a new one may start

    second = teacher_evaluation(person)
    assert list(second.representative_papers.all()) == [best]
    assert list(second.representative_books.all()) == [book]
    client.force_login(person)
    page = client.get(section_url(second, "papers")).content.decode()
    assert page.count('name="papers-0-representative"') == 1
    assert len(re.findall(r'name="papers-\d-representative"[^>]*checked', page)) == 1
    # Still editable: unticked on the page, it is no longer a representative work of this one.
    rows = [
        {**paper, "rank": "1", "id": str(row.pk), "title": row.title}
        for row in m.Paper.objects.filter(person=person).order_by("pk")
    ]
    response = client.post(section_url(second, "papers"), rows_post("papers", rows, initial=2))
    assert response.status_code == 302
    assert not second.representative_papers.exists()
    assert list(first.representative_papers.all()) == [best]


def test_carried_works_stop_at_the_series_maximum(demo):
    person = member("applicant", UnitFactory())
    first = teacher_evaluation(person)
    paper = {"journal": "数学通报", "issue": "2020年第1期", "published_on": "2020-01-01", "rank": 1}
    papers = [record_row(first, m.Paper, title=f"论文{n}", **paper) for n in range(3)]
    first.representative_papers.add(*papers)
    m.Application.objects.filter(pk=first.pk).update(state=State.FAILED)
    first.series.representative_works_max = 2
    first.series.save()
    second = teacher_evaluation(person)
    assert list(second.representative_papers.order_by("pk")) == papers[:2]
    # Initial recognition marks no works at all.
    assert not start("initial_recognition", person).representative_papers.exists()


def test_unit_recommendation_marks_the_filed_rows_verified_and_an_edit_clears_it(demo, client):
    application = submitted("initial_recognition")
    step(application, "unit_hr", "unit_recommend")
    row = application.educations.get()
    row.refresh_from_db()
    assert row.verified_by == user("unit_hr") and row.verified_org == application.unit and row.verified_at
    second = teacher_evaluation(application.applicant)
    client.force_login(application.applicant)
    assert "已核验" in client.get(section_url(second, "education")).content.decode()
    data = rows_post("education", [{**EDUCATION, "id": str(row.pk), "school": "改过的大学"}], initial=1)
    assert client.post(section_url(second, "education"), data).status_code == 302
    row.refresh_from_db()
    assert row.verified_at is None and row.verified_by is None


def test_a_row_edited_after_submission_is_not_verified_by_the_review(demo):
    application = submitted("initial_recognition")
    m.Education.objects.filter(applications=application).update(school="提交后改的")
    step(application, "unit_hr", "unit_recommend")
    assert not m.Education.objects.filter(verified_at__isnull=False).exists()


def test_initial_recognition_asks_only_its_sections_and_takes_the_commitment_at_submission(demo, client):
    application = start("initial_recognition")
    asked = asked_keys(application.item)
    assert asked == ["basic", "education", "work"]
    client.force_login(application.applicant)
    assert client.get(section_url(application, "papers")).status_code == 404
    checklist = client.get(reverse("applications:checklist", args=[application.pk])).content.decode()
    assert 'name="confirm"' in checklist
    fill_everything(application)
    m.Commitment.objects.filter(application=application).delete()
    assert not {x.key for x in filing.completeness(application)}
    with pytest.raises(filing.SubmitRefused, match="诚信承诺"):
        filing.application_submit(application=application, user=application.applicant)
    application, submitted_now = filing.application_submit(
        application=application, user=application.applicant, commitment_confirmed=True
    )
    assert submitted_now and application.state != State.DRAFT
    assert set(application.filed_content) >= {"education", "work", "commitment"}
    assert "papers" not in application.filed_content


def test_every_item_asks_for_known_sections_only(catalog):
    for item in Item.objects.all():
        assert set(item.sections) <= set(SECTIONS), item.code
