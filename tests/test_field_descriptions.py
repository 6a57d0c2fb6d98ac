"""Help texts and errors are linked to their fields: every id a widget's aria-describedby names
is on the page, the error list carries "<id>_error" and the widget aria-invalid="true"."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, UnitFactory, member, mobile
from tests.filing_helpers import teacher_evaluation

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.by_id = {}
        self.described = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        element = {"tag": tag, **attrs}
        if attrs.get("id"):
            assert attrs["id"] not in self.by_id, f"duplicate id {attrs['id']}"
            self.by_id[attrs["id"]] = element
        if attrs.get("aria-describedby"):
            self.described.append(element)


def elements(response):
    parser = _Elements()
    parser.feed(response.content.decode())
    return parser


def assert_every_description_exists(page):
    for element in page.described:
        for ref in element["aria-describedby"].split():
            assert ref in page.by_id, f"{element.get('id') or element['tag']} points at missing #{ref}"


def assert_error_linked(page, field_id):
    widget = page.by_id[field_id]
    assert widget.get("aria-invalid") == "true"
    assert f"{field_id}_error" in widget["aria-describedby"].split()
    assert page.by_id[f"{field_id}_error"]["class"] == "errorlist"


def test_registration_help_text_is_linked(client):
    page = elements(client.get(reverse("people:register")))
    assert page.by_id["id_unit"]["aria-describedby"] == "id_unit_helptext"
    assert page.by_id["id_unit_helptext"]["class"] == "helptext"
    assert "aria-invalid" not in page.by_id["id_unit"]
    assert_every_description_exists(page)


def test_registration_errors_are_linked(client):
    unit = UnitFactory()
    member("applicant", unit)
    data = {
        "real_name": "王小明",
        "id_number": "530102198803152010",
        "mobile": "1390000",  # malformed: an error at the field (a taken mobile is answered like success)
        "email": "",
        "unit": "没有这个单位",
        "password1": "Lanhua#2026",
        "password2": "Lanhua#2026",
    }
    response = client.post(reverse("people:register"), data)
    assert response.status_code == 200
    page = elements(response)
    assert_error_linked(page, "id_id_number")
    assert_error_linked(page, "id_mobile")
    # Help text and error both describe the unit field, help text first.
    assert page.by_id["id_unit"]["aria-describedby"].split() == ["id_unit_helptext", "id_unit_error"]
    assert "aria-invalid" not in page.by_id["id_real_name"]
    assert_every_description_exists(page)


@pytest.fixture
def application(catalog):
    return teacher_evaluation(member("applicant", UnitFactory(), real_name="杨老师", mobile=mobile()))


@pytest.fixture
def applicant_client(client, application):
    client.force_login(application.applicant)
    return client


def section(application, key):
    return reverse("applications:section", args=[application.pk, key])


def test_filing_section_errors_are_linked(applicant_client, application):
    birth = application.applicant.birth_date
    response = applicant_client.post(
        section(application, "basic"),
        {"ethnicity": "汉族", "work_start_date": birth.replace(year=birth.year + 10).isoformat(), "wants_express": "0"},
    )
    page = elements(response)
    assert_error_linked(page, "id_work_start_date")
    assert_every_description_exists(page)


def test_choice_group_is_a_fieldset_described_by_its_error(applicant_client, application):
    # Radio buttons have no one widget to describe: the fieldset around them carries the link.
    response = applicant_client.post(section(application, "basic"), {"ethnicity": "汉族"})
    page = elements(response)
    assert page.by_id["id_wants_express_error"]["class"] == "errorlist"
    html = response.content.decode()
    assert '<fieldset aria-describedby="id_wants_express_error">' in html
    assert_every_description_exists(page)


def rows_post(key, rows, *, action="save"):
    data = {f"{key}-TOTAL_FORMS": str(len(rows)), f"{key}-INITIAL_FORMS": "0", "action": action}
    for i, row in enumerate(rows):
        data.update({f"{key}-{i}-{name}": value for name, value in row.items()})
    return data


BOOK = {"title": "书", "publisher": "社", "published_on": "2020-01-01", "role": "主编", "words": "99999999999"}


def test_rows_section_errors_and_help_texts_are_linked(applicant_client, application):
    page = elements(applicant_client.post(section(application, "books"), rows_post("books", [BOOK])))
    assert_error_linked(page, "id_books-0-words")
    assert page.by_id["id_books-0-role_helptext"]["class"] == "helptext"
    assert_every_description_exists(page)


def test_rows_shown_again_unvalidated_are_not_marked_invalid(applicant_client, application):
    # "增加一条" shows what was typed without its errors, so nothing may be marked invalid either.
    response = applicant_client.post(section(application, "books"), rows_post("books", [BOOK], action="add"))
    page = elements(response)
    assert "id_books-1-title" in page.by_id
    assert not [e for e in page.by_id.values() if e.get("aria-invalid")]
    assert "id_books-0-role" in [e.get("id") for e in page.described]
    assert_every_description_exists(page)


# --- fields rendered by hand ------------------------------------------------------------------------


def test_unit_rejection_reason_error_is_linked(client, catalog):
    department = DepartmentFactory()
    unit = UnitFactory(pending=True, parent=department)
    client.force_login(member("dept_reviewer", department))
    response = client.post(reverse("organizations:unit_reject", args=[unit.pk]), {"reason": ""})
    page = elements(response)
    widget = page.by_id[f"reason-{unit.pk}"]
    assert widget["aria-invalid"] == "true"
    assert page.by_id[widget["aria-describedby"]]["class"] == "errorlist"
    assert_every_description_exists(page)


def test_notice_without_applications_links_its_error_to_the_group(client, catalog):
    unit = UnitFactory()
    officer = member("unit_hr", unit, real_name="李经办")
    client.force_login(officer)
    data = {"unit": unit.pk, "content": "现予公示。", "contact_person": "李经办", "phone": "0871-63100000"}
    page = elements(client.post(reverse("reviews:notice_create"), data))
    group = page.by_id["field-applications"]
    assert page.by_id[group["aria-describedby"]]["class"] == "errorlist"
    assert_every_description_exists(page)
