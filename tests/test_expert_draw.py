"""The random draw with recusal (随机抽取, 回避): who is excluded and why, reproducibility,
replacement when an expert declines, the shortfall, and the drawn list's secrecy."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import State
from home.demo import DEMO_POOL
from reviews import draws
from reviews.models import Expert, ExpertConflict, ExpertDraw, SessionExpert, SessionExpertStatus
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(demo):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    assert application.committee.organizer == DEMO_POOL
    return draws.session_create(
        committee=application.committee, year=2026, experts_to_draw=5, by=user("committee_office")
    )


def reasons(draw):
    return {Expert.objects.get(pk=e["expert"]).user.real_name: e["reason"] for e in draw.exclusions}


def test_the_session_holds_the_committees_waiting_applications(session):
    assert session.applications.count() == 1
    assert session.applications.get().state == State.COMMITTEE_REVIEW


def test_a_colleague_of_an_applicant_is_excluded_and_the_draw_is_stored(session):
    draw = draws.expert_draw(session_id=session.pk, by=user("committee_office"))
    assert reasons(draw) == {"孙丽": draws.SAME_UNIT}
    assert len(draw.candidates) == 6 and len(draw.drawn) == 5 and len(draw.seed) == 32
    assert set(draw.drawn) <= set(draw.candidates)
    assert SessionExpert.objects.filter(session=session).count() == 5
    assert draws.draw_replay(draw)


def test_the_applicant_themself_is_excluded(session):
    applicant = session.applications.get().applicant
    colleague = Expert.objects.filter(organizer=DEMO_POOL).exclude(user__real_name="孙丽").first()
    Expert.objects.filter(pk=colleague.pk).update(user=applicant)
    draw = draws.expert_draw(session_id=session.pk, by=user("committee_office"))
    assert reasons(draw)[applicant.real_name] == draws.SELF
    assert colleague.pk not in draw.drawn


def test_a_declared_conflict_is_excluded(session):
    expert = Expert.objects.get(user__real_name="钱刚")
    ExpertConflict.objects.create(
        expert=expert, application=session.applications.get(), note="申报人的导师", declared_by=user("committee_office")
    )
    draw = draws.expert_draw(session_id=session.pk, by=user("committee_office"))
    assert reasons(draw)["钱刚"] == draws.DECLARED and expert.pk not in draw.drawn


def test_fewer_eligible_experts_than_needed_refuses_with_the_shortfall(session):
    with pytest.raises(ValidationError, match="尚缺1人"):
        draws.expert_draw(session_id=session.pk, by=user("committee_office"), number=7)
    assert not ExpertDraw.objects.exists()


def test_the_same_seed_draws_the_same_experts(session, monkeypatch):
    monkeypatch.setattr(draws.secrets, "token_hex", lambda n: "0" * 32)
    first = draws.expert_draw(session_id=session.pk, by=user("committee_office"), number=2)
    assert first.drawn == draws.pick(first.candidates, "0" * 32, 2)
    assert draws.draw_replay(first)
    ExpertDraw.objects.filter(pk=first.pk).update(drawn=list(reversed(first.drawn)))
    first.refresh_from_db()
    assert not draws.draw_replay(first)


def test_a_declining_expert_is_replaced_by_a_new_audited_draw(session):
    draw = draws.expert_draw(session_id=session.pk, by=user("committee_office"))
    member = SessionExpert.objects.filter(session=session).first()
    replacement = draws.expert_decline(session_expert_id=member.pk, by=user("committee_office"))
    member.refresh_from_db()
    assert member.status == SessionExpertStatus.DECLINED
    assert replacement.replacing == member.expert and replacement.number == 1
    assert len(replacement.candidates) == 1  # 6 eligible, 5 already drawn
    assert replacement.drawn[0] not in draw.drawn
    with pytest.raises(ValidationError):
        draws.expert_decline(session_expert_id=member.pk, by=user("committee_office"))


@pytest.mark.parametrize("role", ["applicant", "unit_hr", "window_staff", "bureau_approver", "committee_expert"])
def test_only_the_office_draws(session, role):
    with pytest.raises(ValidationError):
        draws.expert_draw(session_id=session.pk, by=user(role))
    assert not ExpertDraw.objects.exists()


def test_the_drawn_list_is_never_shown_to_the_applicant(session, as_role):
    draw = draws.expert_draw(session_id=session.pk, by=user("committee_office"))
    names = list(Expert.objects.filter(pk__in=draw.drawn).values_list("user__real_name", flat=True))
    application = session.applications.get()
    client = as_role("applicant")
    for url in [
        reverse("home:dashboard"),
        reverse("applications:timeline", args=[application.pk]),
        reverse("applications:checklist", args=[application.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert not [name for name in names if name in page], url


def test_a_second_whole_draw_is_refused(session):
    draws.expert_draw(session_id=session.pk, by=user("committee_office"))
    with pytest.raises(ValidationError, match="逐人补抽"):
        draws.expert_draw(session_id=session.pk, by=user("committee_office"))
    assert ExpertDraw.objects.filter(session=session).count() == 1


def test_the_office_sees_the_whole_draw_record(session, as_role):
    draw = draws.expert_draw(session_id=session.pk, by=user("committee_office"))
    page = as_role("committee_office").get(reverse("reviews:session", args=[session.pk])).content.decode()
    assert draw.seed in page and "孙丽（与申报人同一工作单位）" in page and "按种子复核一致" in page
