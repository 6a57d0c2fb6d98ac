"""The committee office (评委会办事机构) and its scope: an office runs the sessions and keeps the
pools of the committees it organises, and nothing else; other committees' sessions, draws and
pools behave exactly like missing ones (404)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import State
from home.demo import DEMO_POOL
from portal.catalog.models import Committee
from reviews import draws, experts, offices
from reviews.models import CommitteeSession, ExpertDraw, SessionExpert
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting(demo):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    session = draws.session_create(
        committee=application.committee, year=2026, experts_to_draw=3, by=user("committee_office")
    )
    draws.expert_draw(session_id=session.pk, by=user("committee_office"))
    return session


def test_a_bureau_approver_is_no_committee_office(sitting, as_role):
    """The scope hole: every bureau approver could open and draw any committee's session."""
    client = as_role("bureau_approver")
    member = SessionExpert.objects.filter(session=sitting).first()
    assert client.get(reverse("reviews:session", args=[sitting.pk])).status_code == 404
    assert client.get(reverse("reviews:sessions")).status_code == 404
    assert client.get(reverse("reviews:experts")).status_code == 404
    assert client.post(reverse("reviews:session_decline", args=[member.pk])).status_code == 404
    assert ExpertDraw.objects.filter(session=sitting).count() == 1


def test_the_demo_office_organises_the_demo_pools_committees(demo):
    mine = set(offices.office_committees(user("committee_office")))
    assert mine == set(Committee.objects.filter(organizer=DEMO_POOL, is_active=True))
    assert offices.pools_of(user("committee_office")) == [DEMO_POOL]


@pytest.fixture
def other_office(demo):
    """An office of another organiser's committee (the health commission's)."""
    from portal.organizations.models import Membership, Organization, OrgKind, OrgStatus, Region, Role
    from reviews.models import CommitteeOffice
    from tests.factories import UserFactory

    organization = Organization.objects.create(
        kind=OrgKind.DEPARTMENT,
        name="昆明市卫生健康委员会",
        region=Region.objects.get(name="昆明市"),
        status=OrgStatus.APPROVED,
    )
    for committee in Committee.objects.filter(organizer="昆明市卫生健康委员会"):
        CommitteeOffice.objects.create(organization=organization, committee=committee)
    person = UserFactory()
    Membership.objects.create(user=person, organization=organization, role=Role.COMMITTEE_OFFICE)
    return person


def test_another_office_sees_none_of_this_committees_session(sitting, other_office, client):
    client.force_login(other_office)
    member = SessionExpert.objects.filter(session=sitting).first()
    assert client.get(reverse("reviews:session", args=[sitting.pk])).status_code == 404
    assert client.post(reverse("reviews:session_draw", args=[sitting.pk])).status_code == 404
    assert client.post(reverse("reviews:session_decline", args=[member.pk])).status_code == 404
    listing = client.get(reverse("reviews:sessions"))
    assert listing.status_code == 200
    assert reverse("reviews:session", args=[sitting.pk]) not in listing.content.decode()
    assert sitting.committee.name not in listing.content.decode()
    # Its own pool opens; the demo pool is not among its choices and cannot be asked for.
    pool = client.get(reverse("reviews:experts"), {"organizer": DEMO_POOL}).content.decode()
    assert "昆明市卫生健康委员会" in pool and "孙丽" not in pool
    assert ExpertDraw.objects.filter(session=sitting).count() == 1


def test_another_office_cannot_create_a_session_for_this_committee(sitting, other_office):
    with pytest.raises(ValidationError):
        draws.session_create(committee=sitting.committee, year=2027, experts_to_draw=3, by=other_office)
    with pytest.raises(ValidationError):
        draws.expert_draw(session_id=sitting.pk, by=other_office)
    assert CommitteeSession.objects.count() == 1


def test_another_office_cannot_add_to_this_pool(other_office):
    with pytest.raises(ValidationError):
        experts.experts_import(organizer=DEMO_POOL, data=b"", by=other_office)
