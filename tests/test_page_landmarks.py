"""The layout's landmarks: a skip link to the main content, one main landmark, Django messages in a
polite live region, and every form's error summary announced as an alert."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UnitFactory
from tests.test_registration import applicant_data, with_code

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.django_db
def test_skip_link_is_the_first_link_and_leads_to_main(client):
    html = client.get(reverse("home:home")).content.decode()
    body = html[html.index("<body") :]
    first_link = re.search(r"<a\b[^>]*>.*?</a>", body, re.S).group(0)
    assert 'href="#main"' in first_link and "跳到主要内容" in first_link
    assert len(re.findall(r"<main\b", html)) == 1
    assert re.search(r'<main\b[^>]*\bid="main"', html)


@pytest.mark.django_db
def test_skip_link_is_translated(client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home:home"), headers={"accept-language": "en"}).content.decode()
    assert "Skip to main content" in html


@pytest.mark.django_db
def test_messages_are_a_polite_status_region(client, phone):
    data = with_code(client, phone, applicant_data(UnitFactory()))
    response = client.post(reverse("people:register"), data, follow=True)
    html = response.content.decode()
    assert "注册已提交" in html
    # The region wraps the list: role="status" on the <ul> itself would take its list semantics away.
    region = re.search(r'<div role="status" aria-live="polite">\s*<ul class="messages">(.*?)</ul>', html, re.S)
    assert "注册已提交" in region.group(1)


def test_every_error_summary_is_an_alert():
    """The element that shows a form's or formset's own errors (not a field's) has role="alert"."""
    summaries = re.compile(r"\{% if [^%]*(non_field_errors|non_form_errors)[^%]*%\}\s*(<[^>]*>)")
    found = []
    for path in TEMPLATES.rglob("*.html"):
        for match in summaries.finditer(path.read_text()):
            found.append(path.name)
            assert 'role="alert"' in match.group(2), f"{path.relative_to(TEMPLATES)}: {match.group(2)}"
    assert "form.html" in found and "rows_form.html" in found


def test_no_table_header_is_empty():
    """A column of checkboxes or buttons still needs a name for screen readers (it can be hidden)."""
    empty = re.compile(r"<th>\s*</th>")
    offenders = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if empty.search(p.read_text())]
    assert offenders == []
