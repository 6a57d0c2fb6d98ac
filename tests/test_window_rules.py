"""Issue 11: a window that has closed never reopens (Kunming: 网络申报系统一旦关闭后，无法重新开通),
a window can be closed early, and 24:00 is a valid closing time (the end of that day)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.catalog.deadlines import format_deadline
from portal.catalog.models import ApplicationWindow, Item

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, demo):
    client.force_login(User.objects.filter(is_superuser=True).first())
    return client


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


def make_window(opens, closes):
    return ApplicationWindow.objects.create(
        name="初定窗口",
        item=Item.objects.get(code="initial_recognition"),
        year=opens.year,
        opens_at=opens,
        closes_at=closes,
    )


def form_data(window, closes_date, closes_time):
    opens = timezone.localtime(window.opens_at)
    return {
        "name": window.name,
        "item": window.item_id,
        "year": window.year,
        "opens_at_0": f"{opens:%Y-%m-%d}",
        "opens_at_1": f"{opens:%H:%M}",
        "closes_at_0": closes_date,
        "closes_at_1": closes_time,
    }


def test_a_closed_window_cannot_be_moved_later(admin_client):
    now = timezone.now()
    window = make_window(now - datetime.timedelta(days=30), now - datetime.timedelta(days=1))
    later = timezone.localtime(now + datetime.timedelta(days=10))
    url = reverse("admin:catalog_applicationwindow_change", args=[window.pk])
    response = admin_client.post(url, form_data(window, f"{later:%Y-%m-%d}", "18:00"))
    assert response.status_code == 200
    assert "不再重新开放" in " ".join(response.context["adminform"].form.errors["closes_at"])
    window.refresh_from_db()
    assert window.closes_at < now


def test_an_open_window_can_be_closed_early_by_date_or_by_the_action(admin_client):
    now = timezone.now()
    window = make_window(now - datetime.timedelta(days=3), now + datetime.timedelta(days=30))
    soon = timezone.localtime(now + datetime.timedelta(days=2))
    url = reverse("admin:catalog_applicationwindow_change", args=[window.pk])
    assert admin_client.post(url, form_data(window, f"{soon:%Y-%m-%d}", "17:00")).status_code == 302
    window.refresh_from_db()
    assert timezone.localtime(window.closes_at).date() == soon.date()
    response = admin_client.post(
        reverse("admin:catalog_applicationwindow_changelist"),
        {"action": "close_now", "_selected_action": [window.pk]},
        follow=True,
    )
    window.refresh_from_db()
    assert not window.is_open() and window.closes_at <= timezone.now()
    assert "已截止 1 个窗口" in response.content.decode()


def test_24_00_is_the_end_of_that_day(admin_client):
    window = make_window(local(2027, 1, 1, 0, 0), local(2027, 1, 20, 17, 0))
    url = reverse("admin:catalog_applicationwindow_change", args=[window.pk])
    response = admin_client.post(url, form_data(window, "2027-01-31", "24:00"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    window.refresh_from_db()
    assert window.closes_at == local(2027, 2, 1, 0, 0)
    assert window.is_open(local(2027, 1, 31, 23, 59)) and not window.is_open(local(2027, 2, 1, 0, 0))
    page = admin_client.get(url).content.decode()
    assert re.search(r'name="closes_at_0" value="2027[-/]01[-/]31"', page)
    assert 'name="closes_at_1" value="24:00"' in page
    assert format_deadline(window.closes_at) == "2027-01-31 24:00"
    assert (
        "2027-01-31 24:00" in admin_client.get(reverse("admin:catalog_applicationwindow_changelist")).content.decode()
    )


def test_25_00_is_not_a_time(admin_client):
    window = make_window(local(2027, 1, 1, 0, 0), local(2027, 1, 20, 17, 0))
    url = reverse("admin:catalog_applicationwindow_change", args=[window.pk])
    response = admin_client.post(url, form_data(window, "2027-01-31", "25:00"))
    assert response.status_code == 200 and "closes_at" in response.context["adminform"].form.errors
