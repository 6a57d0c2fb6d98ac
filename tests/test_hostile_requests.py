"""Input that used to reach the database or a reverse() and end in a 500 (issue 12, finding 10).
On PostgreSQL a NUL byte in a text parameter is a DataError; it must be a 400 on every stack."""

import pytest
from django.urls import reverse

from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/units/search/?q=%00",
        "/units/search/?q=a%00b",
        "/verify/c/ab%00cd/",
        "/committees/?q=%00",
        "/verify/?number=%00",
    ],
)
def test_a_nul_byte_in_the_path_or_query_is_a_400(client, demo, url):
    response = client.get(url)
    assert response.status_code == 400


def test_a_nul_byte_in_a_posted_field_is_a_400(client, demo):
    response = client.post(reverse("certificates:verify"), {"number": "A\x00", "name": "张伟"})
    assert response.status_code == 400


@pytest.mark.parametrize("target", ["foo", "notifications:inbox", "//evil.example/", "http://evil.example/"])
def test_a_bad_next_on_notification_actions_goes_to_the_inbox(as_role, target):
    client = as_role("applicant")
    response = client.post(reverse("notifications:read_all"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")
    assert Notification.objects.filter(read_at__isnull=True, recipient__pk=client.session["_auth_user_id"]).count() == 0


def test_a_local_next_is_followed(as_role):
    client = as_role("applicant")
    response = client.post(reverse("notifications:read_all"), {"next": "/applications/"})
    assert response["Location"] == "/applications/"
