"""Filing never loses a word (issue 14, point 2): autosave, empty rows, 保存并继续, and the
confirmation before submitting (point 4)."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from applications import autosave, services
from applications.draft_inputs import DraftInput
from applications.models import Education, Statement
from applications.sample import upload_required_materials
from tests.factories import UnitFactory, member
from tests.filing_helpers import fill_everything, teacher_evaluation
from tests.workflow_helpers import start

pytestmark = pytest.mark.django_db

EDUCATION = {
    "education-0-degree": "3",
    "education-0-school": "云南大学",
    "education-0-major": "物理学",
    "education-0-start_date": "2004-09-01",
    "education-0-graduation_date": "2008-07-01",
}


@pytest.fixture
def application(catalog):
    return teacher_evaluation(member("applicant", UnitFactory(), real_name="杨老师"))


@pytest.fixture
def client_in(client, application):
    client.force_login(application.applicant)
    return client


def url(application, key, name="applications:section"):
    return reverse(name, args=[application.pk, key])


def test_an_empty_added_row_does_not_block_saving_the_rest(client_in, application):
    # Failed before: the empty second row was refused field by field ("这个字段是必填项").
    data = {"education-TOTAL_FORMS": "2", "education-INITIAL_FORMS": "0", **EDUCATION, "action": "save"}
    response = client_in.post(url(application, "education"), data)
    assert response.status_code == 302
    assert list(Education.objects.filter(applications=application).values_list("school", flat=True)) == ["云南大学"]


def test_an_empty_row_alone_still_counts_as_no_row(client_in, application):
    data = {"education-TOTAL_FORMS": "1", "education-INITIAL_FORMS": "0", "action": "save"}
    response = client_in.post(url(application, "education"), data)
    assert response.status_code == 200
    assert "请至少填写1条" in response.content.decode()
    assert not Education.objects.exists()


def test_autosave_keeps_a_short_summary_and_the_checklist_still_asks_for_more(client_in, application):
    response = client_in.post(url(application, "summary", "applications:autosave"), {"text": "任现职以来"})
    page = response.content.decode()
    assert response.status_code == 200 and "已自动保存" in page
    assert "内容过短" in page  # says what the page's own save would refuse
    assert Statement.objects.get(application=application).text == "任现职以来"
    assert "任现职以来" in client_in.get(url(application, "summary")).content.decode()
    messages = [m.message for m in services.completeness(application) if m.key == "summary"]
    assert messages and "过短" in messages[0]


def test_autosave_of_rows_keeps_the_typed_input_and_saves_no_row(client_in, application):
    data = {"education-TOTAL_FORMS": "1", "education-INITIAL_FORMS": "0", **EDUCATION}
    data["education-0-graduation_date"] = "2003-07-01"  # before the start: the save would refuse it
    response = client_in.post(url(application, "education", "applications:autosave"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "已自动保存" in page
    assert "第1条" in page and "毕业时间" in page
    assert not Education.objects.exists()
    # Opened again (after clicking away, or a reload): what was typed is back, marked as not saved.
    page = client_in.get(url(application, "education")).content.decode()
    assert 'value="云南大学"' in page and 'value="2003-07-01"' in page and "已恢复" in page
    # The page's own save stores the rows and drops the kept input.
    data["education-0-graduation_date"] = "2008-07-01"
    assert client_in.post(url(application, "education"), {**data, "action": "save"}).status_code == 302
    assert Education.objects.filter(applications=application).count() == 1
    assert not DraftInput.objects.filter(application=application).exists()
    assert "已恢复" not in client_in.get(url(application, "education")).content.decode()


def test_autosave_of_the_basic_page_keeps_input_without_touching_the_profile(client_in, application):
    response = client_in.post(url(application, "basic", "applications:autosave"), {"ethnicity": "汉族"})
    assert response.status_code == 200 and "已自动保存" in response.content.decode()
    assert DraftInput.objects.get(application=application, section="basic").data["ethnicity"] == ["汉族"]
    assert 'value="汉族"' in client_in.get(url(application, "basic")).content.decode()


def test_autosave_answers_a_locked_database_with_a_retry_fragment_not_a_500(client_in, application, monkeypatch):
    def locked(**kwargs):
        raise OperationalError("database table is locked")

    monkeypatch.setattr(autosave, "statement_autosave", locked)
    response = client_in.post(url(application, "summary", "applications:autosave"), {"text": "任现职以来"})
    assert response.status_code == 503
    assert "未保存，正在重试" in response.content.decode()
    assert not Statement.objects.exists()


def test_autosave_refuses_a_submitted_application_and_unknown_sections(client_in, application):
    assert client_in.post(url(application, "commitment", "applications:autosave"), {}).status_code == 404
    assert client_in.post(url(application, "nope", "applications:autosave"), {}).status_code == 404
    fill_everything(application)
    application, _ = services.application_submit(application=application, user=application.applicant)
    response = client_in.post(url(application, "summary", "applications:autosave"), {"text": "改动" * 80})
    assert response.status_code == 409 and "未保存" in response.content.decode()
    assert "改动" not in Statement.objects.get(application=application, kind="summary").text


def test_save_and_continue_goes_to_the_next_incomplete_section(client_in, application):
    # 学习经历 and 工作经历 come next in order; already complete, they are skipped.
    fill_everything(application)
    Statement.objects.filter(application=application, kind="summary").delete()
    Education.objects.filter(applications=application).delete()
    data = {"education-TOTAL_FORMS": "1", "education-INITIAL_FORMS": "0", **EDUCATION, "action": "next"}
    response = client_in.post(url(application, "education"), data)
    assert response.status_code == 302 and response.url == url(application, "summary")
    text = "任现职以来，认真履行岗位职责，承担专业技术工作和教研工作。" * 6
    response = client_in.post(url(application, "summary"), {"text": text, "action": "next"})
    assert response.url == reverse("applications:checklist", args=[application.pk])


def test_the_confirmation_lists_what_is_sent_and_to_whom(client, catalog, demo):
    application = start("initial_recognition")
    fill_everything(application)
    upload_required_materials(application)
    client.force_login(application.applicant)
    checklist = client.get(reverse("applications:checklist", args=[application.pk])).content.decode()
    assert reverse("applications:confirm", args=[application.pk]) in checklist
    assert "单位推荐意见表" not in checklist  # written by the unit at its review, not uploaded
    page = client.get(reverse("applications:confirm", args=[application.pk])).content.decode()
    count = application.materials.count()
    assert count > 0 and f"申报材料 {count} 份" in page
    assert f"{application.unit.name}（单位审核）" in page
    # The sections the item asks for (initial recognition: no work summary).
    assert "工作经历" in page and "专业技术工作总结" not in page and "确认提交" in page
