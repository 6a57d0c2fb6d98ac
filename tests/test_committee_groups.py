"""Discipline groups (评议组, 人社部令第40号第二十二条): at least three experts each, who review
their group's files online and give each a written opinion by majority; the whole committee
then votes on every file, with its quorum and threshold counted over all its members."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import State
from portal.organizations.models import Role
from reviews import draws, groups, meetings, online
from reviews.models import GroupRecommendation, ReviewAssignment, SessionEvent
from tests.factories import member
from tests.meeting_helpers import attend, grow_pool, roll, sitting
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(demo):
    first = at(State.COMMITTEE_REVIEW, "evaluation")
    at(State.COMMITTEE_REVIEW, "evaluation", applicant=member(Role.APPLICANT, first.unit, real_name="钱敏"))
    return sitting(7, application=first)


def office():
    return user("committee_office")


def two_groups(session, sizes=(4, 3)):
    """Group 语文 with the first application and `sizes[0]` experts, 数学 with the second and the next."""
    first, second = session.applications.order_by("pk")
    members = roll(session)
    chinese = groups.group_create(session_id=session.pk, name="语文评议组", speciality="中学语文", by=office())
    maths = groups.group_create(session_id=session.pk, name="数学评议组", speciality="中学数学", by=office())
    groups.group_assign(
        group_id=chinese.pk,
        application_ids=[first.pk],
        member_ids=[m.pk for m in members[: sizes[0]]],
        by=office(),
    )
    groups.group_assign(
        group_id=maths.pk,
        application_ids=[second.pk],
        member_ids=[m.pk for m in members[sizes[0] : sizes[0] + sizes[1]]],
        by=office(),
    )
    return chinese, maths, first, second


def test_each_expert_reviews_only_their_groups_files(session):
    chinese, maths, first, second = two_groups(session)
    online.online_review_open(session_id=session.pk, by=office())
    for m in roll(session):
        reviewed = set(ReviewAssignment.objects.filter(member=m).values_list("application_id", flat=True))
        assert reviewed == ({first.pk} if m.group_id == chinese.pk else {second.pk}), m.expert.user.real_name


def test_a_group_under_three_experts_or_a_file_without_a_group_keeps_the_review_closed(session):
    chinese, maths, first, second = two_groups(session, sizes=(5, 2))
    with pytest.raises(ValidationError, match="只有2名专家，每个评议组不少于3人"):
        online.online_review_open(session_id=session.pk, by=office())
    groups.group_assign(
        group_id=maths.pk, application_ids=[], member_ids=[m.pk for m in roll(session)[4:]], by=office()
    )
    with pytest.raises(ValidationError, match="尚未分入评议组：钱敏"):
        online.online_review_open(session_id=session.pk, by=office())
    assert session.review_opened_at is None


def test_groups_are_fixed_once_the_review_opens(session):
    chinese, *_ = two_groups(session)
    online.online_review_open(session_id=session.pk, by=office())
    with pytest.raises(ValidationError, match="网络评审已经开始"):
        groups.group_create(session_id=session.pk, name="英语评议组", speciality="", by=office())
    with pytest.raises(ValidationError, match="网络评审已经开始"):
        groups.group_assign(group_id=chinese.pk, application_ids=[], member_ids=[], by=office())


def test_a_replacement_sits_in_the_group_of_the_one_who_declined(session):
    chinese, *_ = two_groups(session)
    grow_pool(session.committee, 1)
    declining = next(m for m in roll(session) if m.group_id == chinese.pk)
    draw = draws.expert_decline(session_expert_id=declining.pk, by=office())
    replacement = next(m for m in roll(session) if m.expert_id == draw.drawn[0])
    assert replacement.group_id == chinese.pk


def test_the_groups_opinion_needs_a_majority_of_its_experts_refused_at_the_field(client, session):
    chinese, maths, first, second = two_groups(session)
    client.force_login(office())
    url = reverse("reviews:group_opinion", args=[chinese.pk])
    data = {
        f"opinion{chinese.pk}-application": first.pk,
        f"opinion{chinese.pk}-recommendation": GroupRecommendation.PASS,
        f"opinion{chinese.pk}-agreeing": 2,
        f"opinion{chinese.pk}-text": "教学业绩突出，建议通过。",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "评议组4名专家，评议意见须经过半数（至少3人）同意" in page and 'aria-invalid="true"' in page
    # Another group's file is not this group's to judge.
    response = client.post(
        url, {**data, f"opinion{chinese.pk}-application": second.pk, f"opinion{chinese.pk}-agreeing": 3}
    )
    assert response.status_code == 400
    assert client.post(url, {**data, f"opinion{chinese.pk}-agreeing": 3}).status_code == 302
    detail = SessionEvent.objects.filter(session=session, action=meetings.GROUP_OPINION).get().detail
    assert detail == f"语文评议组对{first.applicant.real_name}：建议通过（3/4人同意）"


def test_the_whole_committee_votes_on_every_file_and_sees_the_groups_opinion(client, session):
    chinese, maths, first, second = two_groups(session)
    groups.group_opinion_record(
        group_id=chinese.pk,
        application_id=first.pk,
        recommendation=GroupRecommendation.PASS,
        agreeing=3,
        text="教学业绩突出，建议通过。",
        by=office(),
    )
    present = attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=office())
    # An expert of the maths group votes on the Chinese group's file: the committee decides.
    outsider = next(m for m in present if m.group_id == maths.pk)
    client.force_login(outsider.expert.user)
    page = client.get(reverse("reviews:ballots")).content.decode()
    row = page[page.index(f'id="ballot-{first.pk}"') :].split("</tr>")[0]
    assert "语文评议组" in row and "建议通过" in row and "3/4人同意" in row and 'name="b' in row
    meetings.ballot_cast(session_id=session.pk, application_id=first.pk, by=outsider.expert.user, choice="for")
    tally = next(t for t in meetings.tallies(session) if t.application.pk == first.pk)
    # Quorum and threshold over the whole committee's present members, not the group's four.
    assert (tally.members, tally.present, tally.needed) == (7, 7, 5)


def test_group_posts_are_the_offices_alone(client, session):
    chinese, *_ = two_groups(session)
    for person in (user("unit_hr"), roll(session)[0].expert.user):
        client.force_login(person)
        assert (
            client.post(reverse("reviews:session_group_create", args=[session.pk]), {"group-name": "X"}).status_code
            == 404
        )
        assert client.post(reverse("reviews:group_assign", args=[chinese.pk]), {}).status_code == 404
        assert client.post(reverse("reviews:group_opinion", args=[chinese.pk]), {}).status_code == 404
    assert groups.groups_of(session).count() == 2
