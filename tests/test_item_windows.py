"""Windows apply to every item that has them (Kunming: initial recognition only in January,
April, July and October), per region; outside a window the start page says when the next one
opens, and submitting re-checks on the server."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services as filing
from portal.catalog.models import ApplicationWindow, Item, Level, Series, TitleName
from portal.organizations.models import Region
from tests.workflow_helpers import fill_everything, user


def _start(applicant):
    series = Series.objects.get(name="中小学教师")
    level = Level.objects.get(code="zhuli")
    return filing.application_start(
        user=applicant,
        item=Item.objects.get(code="initial_recognition"),
        series=series,
        level=level,
        title=TitleName.objects.filter(series=series, level=level).first(),
    )


def _window(region, opens, closes):
    return ApplicationWindow.objects.create(
        name="初次认定季度受理",
        item=Item.objects.get(code="initial_recognition"),
        region=region,
        year=opens.year,
        opens_at=opens,
        closes_at=closes,
    )


@pytest.fixture
def kunming(demo):
    # Without the demo's windows (it also opens the item all year, for the demo's sake).
    ApplicationWindow.objects.filter(item__code="initial_recognition").delete()
    return Region.objects.get(name="昆明市")


def test_outside_the_regions_window_the_start_is_refused_with_the_next_window(demo, kunming):
    now = timezone.now()
    _window(kunming, now - datetime.timedelta(days=60), now - datetime.timedelta(days=30))
    upcoming = _window(kunming, now + datetime.timedelta(days=30), now + datetime.timedelta(days=60))
    with pytest.raises(ValidationError) as refused:
        _start(user("applicant"))
    message = " ".join(refused.value.message_dict["item"])
    assert "下一次申报时间" in message and str(timezone.localtime(upcoming.opens_at).year) in message


def test_the_start_page_shows_the_refusal_at_the_item(client, demo, kunming):
    now = timezone.now()
    _window(kunming, now + datetime.timedelta(days=30), now + datetime.timedelta(days=60))
    series = Series.objects.get(name="中小学教师")
    level = Level.objects.get(code="zhuli")
    client.force_login(user("applicant"))
    response = client.post(
        reverse("applications:start"),
        {
            "item": Item.objects.get(code="initial_recognition").pk,
            "series": series.pk,
            "level": level.pk,
            "title": TitleName.objects.filter(series=series, level=level).first().pk,
        },
    )
    assert response.status_code == 200
    assert "下一次申报时间" in " ".join(response.context["form"].errors["item"])


def test_inside_the_window_the_application_takes_it_and_submit_rechecks(demo, kunming):
    now = timezone.now()
    window = _window(kunming, now - datetime.timedelta(days=1), now + datetime.timedelta(days=1))
    application = fill_everything(_start(user("applicant")))
    assert application.window == window
    with pytest.raises(filing.SubmitRefused):
        filing.application_submit(
            application=application, user=application.applicant, moment=now + datetime.timedelta(days=2)
        )


def test_another_regions_window_does_not_apply(kunming):
    other = Region.objects.create(name="别的城市", code="999900")
    now = timezone.now()
    _window(other, now + datetime.timedelta(days=30), now + datetime.timedelta(days=60))
    assert _start(user("applicant")).window is None  # no window for Kunming: all year
