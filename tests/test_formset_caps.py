"""Repeating rows are capped per section at what a real application needs, and the page says so.
A post claiming more rows than that is refused from its management form, before a single row
form is built: one POST with TOTAL_FORMS=100000000 used to keep a worker busy for ~47 s."""

import pytest
from django.forms.formsets import BaseFormSet
from django.urls import reverse

from applications import models as m
from applications.forms import RowsFormSet
from applications.sample import record_row
from applications.sections import SECTIONS
from tests.factories import UnitFactory, member
from tests.filing_helpers import teacher_evaluation
from tests.test_filing_bad_input import EDUCATION, rows_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(catalog):
    return teacher_evaluation(member("applicant", UnitFactory(), real_name="杨老师"))


@pytest.fixture
def applicant_client(client, application):
    client.force_login(application.applicant)
    return client


@pytest.fixture
def constructed(monkeypatch):
    """How many row forms the formsets build during the test."""
    count = {"forms": 0}
    original = BaseFormSet._construct_form

    def counting(self, i, **kwargs):
        count["forms"] += 1
        return original(self, i, **kwargs)

    monkeypatch.setattr(BaseFormSet, "_construct_form", counting)
    return count


def url(application, key):
    return reverse("applications:section", args=[application.pk, key])


def huge_post(key, *, action="save", total="100000000"):
    return {f"{key}-TOTAL_FORMS": total, f"{key}-INITIAL_FORMS": "0", "action": action}


def test_every_rows_section_has_a_real_cap():
    for spec in SECTIONS.values():
        if spec.kind != "rows":
            continue
        formset = spec.formset_class()
        assert issubclass(formset, RowsFormSet)
        assert 1 <= formset.max_num <= 100, spec.key
        assert formset.validate_max, spec.key
        assert formset.max_num <= formset.absolute_max <= 2 * formset.max_num, spec.key


@pytest.mark.parametrize("action", ["save", "add"])
def test_a_huge_row_count_is_refused_before_any_form_is_built(applicant_client, application, constructed, action):
    response = applicant_client.post(url(application, "papers"), huge_post("papers", action=action))
    assert response.status_code == 400
    assert constructed["forms"] == 0
    limit = SECTIONS["papers"].max_rows
    assert f"最多填写{limit}条" in response.content.decode()
    assert not m.Paper.objects.exists()


def test_a_huge_row_count_through_htmx_is_refused_too(applicant_client, application, constructed):
    response = applicant_client.post(
        url(application, "education"), huge_post("education", action="add"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert constructed["forms"] == 0
    assert "最多填写" in response.content.decode()


def test_refusal_keeps_the_saved_rows_on_the_page(applicant_client, application):
    record_row(application, m.Education, **{**EDUCATION, "degree": 3, "school": "已保存的大学"})
    response = applicant_client.post(url(application, "education"), huge_post("education"))
    assert response.status_code == 400
    assert 'value="已保存的大学"' in response.content.decode()
    assert list(m.Education.objects.values_list("school", flat=True)) == ["已保存的大学"]


def test_one_row_over_the_cap_is_a_section_error_with_every_row_kept(applicant_client, application, constructed):
    limit = SECTIONS["education"].max_rows
    rows = [{**EDUCATION, "school": f"大学{i}"} for i in range(limit + 1)]
    response = applicant_client.post(url(application, "education"), rows_post("education", rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"最多填写{limit}条" in page
    assert f'value="大学{limit}"' in page  # nothing typed is lost
    assert constructed["forms"] <= SECTIONS["education"].formset_class().absolute_max + 1  # + the empty form
    assert not m.Education.objects.exists()


def test_django_bounds_construction_between_the_cap_and_the_refusal(application, constructed):
    """Between max_num and absolute_max the formset is built (to keep what was typed), and Django
    builds at most absolute_max forms whatever TOTAL_FORMS says."""
    FormSet = SECTIONS["education"].formset_class()
    data = huge_post("education", total=str(FormSet.absolute_max))
    formset = FormSet(data, queryset=m.Education.objects.none(), application=application, prefix="education")
    assert len(formset.forms) == FormSet.absolute_max
    assert not formset.is_valid()
    assert constructed["forms"] == FormSet.absolute_max


def test_the_page_says_the_maximum(applicant_client, application):
    limit = SECTIONS["awards"].max_rows
    page = applicant_client.get(url(application, "awards")).content.decode()
    assert f"本栏最多填写{limit}条" in page


def test_add_stops_at_the_cap(applicant_client, application):
    limit = SECTIONS["assessments"].max_rows
    rows = [{"year": "", "result": ""}] * limit
    response = applicant_client.post(url(application, "assessments"), rows_post("assessments", rows, action="add"))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == limit
    assert 'value="add"' not in response.content.decode()  # no button offering a row the server would refuse
