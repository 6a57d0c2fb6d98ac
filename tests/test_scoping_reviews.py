"""Every review URL as every kind of user, in and out of scope.

One filed application of the demo applicant (昆明市第一中学, under 五华区人社局, Kunming's window and
bureau). Its reviewers read it at any stage; only the stage's reviewer acts. Users of another
unit, department or region, and other applicants, get 404 whatever the URL; anonymous users are
sent to the login page. tests/test_access_matrix.py covers the demo roles on the pages without an
application; this file adds the out-of-scope users and the POSTs.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Action, Application, State
from reviews.models import UnitNotice
from tests.factories import DepartmentFactory, UnitFactory, member
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db

IN_SCOPE_REVIEWERS = ["unit_hr", "dept_reviewer", "window_staff", "bureau_approver"]
OUTSIDERS = ["other_applicant", "other_unit_hr", "other_dept_reviewer", "other_window_staff", "other_bureau_approver"]
ACTORS = ["anonymous", "applicant", *IN_SCOPE_REVIEWERS, "admin", *OUTSIDERS]


def make_actor(name):
    if name == "anonymous":
        return None
    if name == "other_applicant":
        # Same unit as the demo applicant: being a colleague gives no access.
        return member("applicant", user("unit_hr").memberships.get().organization)
    if name == "other_unit_hr":
        return member("unit_hr", UnitFactory())
    if name == "other_dept_reviewer":
        return member("dept_reviewer", DepartmentFactory())
    if name in ("other_window_staff", "other_bureau_approver"):
        return member(name.removeprefix("other_"))  # an organisation of a region of its own
    return user(name)


@pytest.fixture
def login(client, demo):
    def as_actor(name):
        client.logout()
        actor = make_actor(name)
        if actor is not None:
            client.force_login(actor)
        return client

    return as_actor


@pytest.fixture
def filed(demo):
    return at(State.UNIT_REVIEW, "initial_recognition")


def expect(name, *, inside, applicant=404, admin=None):
    """The status for `name`: `inside` for in-scope reviewers, 404 for outsiders, login for anonymous."""
    if name == "anonymous":
        return 302
    if name == "applicant":
        return applicant
    if name == "admin":
        return inside if admin is None else admin
    if name in IN_SCOPE_REVIEWERS:
        return inside
    return 404


def assert_login_redirect(response):
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# --- reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_pages_about_one_application(login, filed, name):
    client = login(name)
    material = filed.materials.first()
    pages = {
        reverse("reviews:detail", args=[filed.pk]): expect(name, inside=200),
        reverse("applications:timeline", args=[filed.pk]): expect(name, inside=200, applicant=200),
        reverse("applications:material_download", args=[filed.pk, material.pk]): expect(
            name, inside=200, applicant=200
        ),
    }
    for url, status in pages.items():
        response = client.get(url)
        assert response.status_code == status, (url, name, response.status_code)
        if name == "anonymous":
            assert_login_redirect(response)


@pytest.mark.parametrize("name", ACTORS)
def test_queues_list_only_what_is_in_scope(login, filed, name):
    client = login(name)
    reviewer = name in IN_SCOPE_REVIEWERS or name in ("other_unit_hr", "other_dept_reviewer") or "window" in name
    reviewer = reviewer or "bureau" in name
    for scope in ("waiting", "all"):
        response = client.get(reverse("reviews:queue"), {"scope": scope})
        if name == "anonymous":
            assert_login_redirect(response)
            continue
        assert response.status_code == (200 if reviewer else 404), (name, scope)
        listed = f'id="application-{filed.pk}"' in response.content.decode()
        expected = name == "unit_hr" if scope == "waiting" else name in IN_SCOPE_REVIEWERS
        assert listed is expected, (name, scope)


@pytest.mark.parametrize("name", ACTORS)
def test_pages_without_an_application(login, name):
    client = login(name)
    window = name in ("window_staff", "other_window_staff")
    pages = {
        reverse("reviews:workflow"): 200 if name == "admin" else 404,
        reverse("reviews:offline_new"): 200 if window else 404,
        reverse("reviews:notice_list"): 200 if name in ("unit_hr", "other_unit_hr") else 404,
    }
    for url, status in pages.items():
        response = client.get(url)
        if name == "anonymous":
            assert_login_redirect(response)
        else:
            assert response.status_code == status, (url, name, response.status_code)
    assert client.get(reverse("reviews:public_notices")).status_code == 200


@pytest.mark.parametrize("name", ACTORS)
def test_a_units_notice_is_its_officers_alone(login, filed, name):
    today = timezone.localdate()
    notice = UnitNotice.objects.create(
        unit=filed.unit,
        title="关于张伟申报职称的公示",
        contact_person="李娜",
        phone="0871-65310000",
        start_date=today - datetime.timedelta(days=14),
        working_days=5,
        end_date=today - datetime.timedelta(days=7),
        created_by=user("unit_hr"),
    )
    notice.applications.set([filed])
    client = login(name)
    status = {"anonymous": 302, "unit_hr": 200}.get(name, 404)
    assert client.get(reverse("reviews:notice_detail", args=[notice.pk])).status_code == status
    response = client.post(reverse("reviews:notice_conclude", args=[notice.pk]), {"result": "no_objection"})
    assert response.status_code == (302 if name in ("anonymous", "unit_hr") else 404), name
    notice.refresh_from_db()
    assert (notice.result == "no_objection") is (name == "unit_hr")
    # Another unit's officer cannot publish this unit's applicant either, nor pick this unit.
    if name == "other_unit_hr":
        response = client.post(reverse("reviews:notice_create"), {"unit": filed.unit.pk, "applications": [filed.pk]})
        assert response.status_code == 404


# --- acting --------------------------------------------------------------------------------------


def decide(client, application, step, **extra):
    data = {"step": step, "opinion": "同意", **extra}
    return client.post(reverse("reviews:decide", args=[application.pk]), data)


@pytest.mark.parametrize("name", ACTORS)
def test_only_the_stages_reviewer_decides_and_every_refusal_is_audited(login, filed, name):
    client = login(name)
    response = decide(client, filed, "unit_recommend", expected_state=State.UNIT_REVIEW)
    state = Application.objects.get(pk=filed.pk).state
    refusals = filed.records.filter(action=Action.REFUSED)
    if name == "anonymous":
        assert_login_redirect(response)
    elif name == "unit_hr":
        assert response.status_code == 302 and state == State.WINDOW_INTAKE
        assert not refusals.exists()
        return
    elif name in (*IN_SCOPE_REVIEWERS, "admin"):
        # May read the file, not act at this stage: refused with a message, audited.
        assert response.status_code == 302 and response.url == reverse("reviews:detail", args=[filed.pk])
        page = client.get(response.url).content.decode()
        assert "您无权在当前环节（单位审核）进行此操作" in page
        refusal = refusals.get()
        assert refusal.actor_id == int(client.session["_auth_user_id"])
        assert refusal.from_state == refusal.to_state == State.UNIT_REVIEW
    else:
        assert response.status_code == 404
    assert state == State.UNIT_REVIEW
    if name not in (*IN_SCOPE_REVIEWERS, "admin"):
        assert not refusals.exists()


@pytest.mark.parametrize("name", ACTORS)
def test_batch_pass_acts_only_where_the_user_may(login, filed, name):
    client = login(name)
    response = client.post(reverse("reviews:batch"), {"application": [filed.pk], "opinion": "同意"})
    reviewer = name in IN_SCOPE_REVIEWERS or name.startswith("other_") and name != "other_applicant"
    if name == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == (302 if reviewer else 404), name
    state = Application.objects.get(pk=filed.pk).state
    assert state == (State.WINDOW_INTAKE if name == "unit_hr" else State.UNIT_REVIEW), name
    # A reviewer who may see the application but not pass it is refused and audited singly;
    # outside the scope it is as if the id did not exist: nothing is written.
    refused = filed.records.filter(action=Action.REFUSED).count()
    assert refused == (1 if name in IN_SCOPE_REVIEWERS and name != "unit_hr" else 0), name


@pytest.mark.parametrize("name", [n for n in OUTSIDERS if n != "other_applicant"])
def test_batch_answers_an_out_of_scope_id_like_a_missing_one(login, filed, name):
    """POST /reviews/batch/ must not reveal which ids exist elsewhere, nor write into them."""
    client = login(name)
    missing = Application.objects.order_by("-pk").first().pk + 100
    answers = []
    for application_id in (filed.pk, missing):
        response = client.post(
            reverse("reviews:batch"), {"application": [application_id], "opinion": "同意"}, follow=True
        )
        text = response.content.decode().replace(str(application_id), "ID")
        answers.append((response.status_code, [str(m) for m in response.context["messages"]], text.count("未处理")))
    assert answers[0] == answers[1]
    assert not filed.records.filter(action=Action.REFUSED).exists()


def test_batch_refuses_more_ids_than_a_page_holds(login, filed, settings):
    settings.REVIEW_BATCH_MAX = 3
    client = login("unit_hr")
    ids = [filed.pk, *range(10**6, 10**6 + 3)]
    response = client.post(reverse("reviews:batch"), {"application": ids, "opinion": "同意"}, follow=True)
    assert "一次最多批量处理3份" in response.content.decode()
    assert Application.objects.get(pk=filed.pk).state == State.UNIT_REVIEW


@pytest.mark.parametrize("name", ACTORS)
def test_only_the_applicant_withdraws(login, filed, name):
    client = login(name)
    response = client.post(reverse("applications:withdraw", args=[filed.pk]), {"reason": "不再申报"})
    state = Application.objects.get(pk=filed.pk).state
    if name == "anonymous":
        assert_login_redirect(response)
    elif name == "applicant":
        assert response.status_code == 302 and state == State.WITHDRAWN
        return
    elif name in (*IN_SCOPE_REVIEWERS, "admin"):
        assert response.status_code == 302
        assert "只有申报人本人可以撤回申报" in client.get(response.url).content.decode()
        assert filed.records.filter(action=Action.REFUSED).count() == 1
    else:
        assert response.status_code == 404
    assert state == State.UNIT_REVIEW


@pytest.fixture
def at_committee(demo):
    return at(State.COMMITTEE_REVIEW, "evaluation")


@pytest.mark.parametrize("name", ["bureau_approver", "window_staff", "other_bureau_approver", "applicant"])
def test_committee_results_by_the_bureau_in_scope_only(login, at_committee, name):
    client = login(name)
    votes = {
        "members": "11",
        "present": "11",
        "votes_for": "9",
        "votes_against": "2",
        "abstentions": "0",
        "expected_state": State.COMMITTEE_REVIEW,
    }
    response = decide(client, at_committee, "committee_conclude", **votes)
    state = Application.objects.get(pk=at_committee.pk).state
    if name == "bureau_approver":
        assert response.status_code == 302 and state == State.RESULT_NOTICE
        assert at_committee.committee_result.votes_for == 9
        # The same form posted again (URL replay) is refused, audited, and records nothing more.
        again = decide(client, at_committee, "committee_conclude", **votes)
        assert "已由他人处理" in client.get(again.url).content.decode()
        assert at_committee.records.filter(action=Action.COMMITTEE).count() == 1
        assert at_committee.records.filter(action=Action.REFUSED).count() == 1
        return
    assert state == State.COMMITTEE_REVIEW
    if name == "window_staff":
        assert response.status_code == 302
        assert at_committee.records.filter(action=Action.REFUSED).count() == 1
    else:
        assert response.status_code == 404


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "votes",
    [
        {"votes_for": "-3", "votes_against": "5"},
        {"votes_for": "99999", "votes_against": "5"},
        {"votes_for": "十", "votes_against": "5"},
        {"votes_for": "0", "votes_against": "0"},
    ],
    ids=["negative", "too-many", "not-a-number", "none"],
)
def test_bad_vote_counts_are_refused_at_the_form(login, at_committee, votes):
    client = login("bureau_approver")
    response = decide(client, at_committee, "committee_conclude", members="10", present="10", abstentions="0", **votes)
    assert response.status_code == 400
    assert "票数" in response.content.decode()
    assert Application.objects.get(pk=at_committee.pk).state == State.COMMITTEE_REVIEW
    assert not hasattr(Application.objects.get(pk=at_committee.pk), "committee_result")


def test_wrong_role_without_an_opinion_is_refused_as_wrong_role(login, filed):
    """The permission is checked before the opinion: no "please write an opinion" to someone who may not act."""
    client = login("window_staff")
    response = decide(client, filed, "unit_recommend", opinion="")
    assert response.status_code == 302
    assert "无权" in client.get(response.url).content.decode()
    assert filed.records.filter(action=Action.REFUSED).count() == 1
    assert Application.objects.get(pk=filed.pk).state == State.UNIT_REVIEW


def test_replay_without_the_seen_state_names_the_current_state(login, filed):
    """A replayed POST that lacks the hidden expected_state is refused as a step from the wrong state,
    not as a missing permission."""
    client = login("unit_hr")
    assert decide(client, filed, "unit_recommend").status_code == 302
    response = decide(client, filed, "unit_recommend")
    page = client.get(response.url).content.decode()
    assert "当前处于“窗口受理初审”，不能进行此操作" in page and "无权" not in page
    assert Application.objects.get(pk=filed.pk).state == State.WINDOW_INTAKE
    assert filed.records.filter(action=Action.RECOMMEND).count() == 1
    assert filed.records.filter(action=Action.REFUSED).count() == 1


def test_an_unknown_step_is_refused_and_audited(login, filed):
    client = login("unit_hr")
    response = decide(client, filed, "approve_everything")
    assert "未知的操作" in client.get(response.url).content.decode()
    refusal = filed.records.get(action=Action.REFUSED)
    assert "approve_everything" in refusal.opinion
    assert Application.objects.get(pk=filed.pk).state == State.UNIT_REVIEW


def test_an_application_id_that_does_not_exist_is_a_404(login, filed):
    client = login("unit_hr")
    missing = Application.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("reviews:detail", args=[missing])).status_code == 404
    assert decide(client, Application(pk=missing), "unit_recommend").status_code == 404
    response = client.post(reverse("reviews:batch"), {"application": [missing], "opinion": "同意"})
    assert response.status_code == 302


def test_a_draft_is_invisible_to_reviewers(login, demo):
    draft = at(State.DRAFT, "initial_recognition")
    for name in [*IN_SCOPE_REVIEWERS, "admin"]:  # not even an admin opens someone's first draft
        client = login(name)
        assert client.get(reverse("reviews:detail", args=[draft.pk])).status_code == 404
        assert decide(client, draft, "fail").status_code == 404


# --- queues keep a constant number of queries ------------------------------------------------------


@pytest.mark.parametrize("name", IN_SCOPE_REVIEWERS)
def test_every_reviewers_queue_keeps_a_constant_number_of_queries(login, demo, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = user("unit_hr").memberships.get().organization
    at(State.UNIT_REVIEW, "initial_recognition", member("applicant", unit))
    client = login(name)
    url = reverse("reviews:queue")
    client.get(url, {"scope": "all"})
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"scope": "all"})
    for _ in range(3):
        at(State.UNIT_REVIEW, "mobile_confirmation", member("applicant", unit))
    with CaptureQueriesContext(connection) as after:
        page = client.get(url, {"scope": "all"}).content.decode()
    assert page.count('id="application-') == 4
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]


def test_a_row_changed_under_the_step_is_refused_not_a_500(demo, monkeypatch):
    """ConcurrentTransitionMixin's guarded UPDATE matches no row when the state changed without the
    lock (a write that bypassed the services): the step is refused and audited, nothing is saved."""
    from applications.workflow import services

    application = at(State.UNIT_REVIEW, "initial_recognition")
    real = services.acting_membership
    meddled = []

    def meddling(user_, app):
        if not meddled:  # once, inside the step's transaction
            meddled.append(Application.objects.filter(pk=app.pk).update(state=State.FAILED))
        return real(user_, app)

    monkeypatch.setattr(services, "acting_membership", meddling)
    with pytest.raises(services.WorkflowRefused, match="已由他人处理"):
        services.fire(application_id=application.pk, user=user("unit_hr"), step="unit_recommend", opinion="同意")
    assert Application.objects.get(pk=application.pk).state == State.UNIT_REVIEW
    assert not application.records.filter(action=Action.RECOMMEND).exists()
    assert application.records.filter(action=Action.REFUSED).count() == 1


def test_an_hr_officer_never_reviews_their_own_application(client, demo):
    from applications.workflow import services

    unit = user("unit_hr").memberships.get().organization
    officer = member("unit_hr", unit)
    from portal.organizations.models import Membership

    Membership.objects.create(user=officer, organization=unit, role="applicant")
    own = at(State.UNIT_REVIEW, "initial_recognition", officer)
    assert services.available_steps(officer, own) == []
    with pytest.raises(services.WorkflowRefused, match="不能审核本人的申报"):
        services.fire(application_id=own.pk, user=officer, step="unit_recommend", opinion="同意")
    assert Application.objects.get(pk=own.pk).state == State.UNIT_REVIEW
    assert own.records.filter(action=Action.REFUSED).count() == 1
    # Their colleague reviews it as usual.
    assert services.fire(application_id=own.pk, user=user("unit_hr"), step="unit_recommend", opinion="同意")


@pytest.mark.parametrize("value", ["²", "١٢", str(2**40), "-1", "0"])
def test_batch_refuses_a_tampered_id_at_the_field(login, filed, value):
    client = login("unit_hr")
    response = client.post(reverse("reviews:batch"), {"application": [filed.pk, value], "opinion": "同意"}, follow=True)
    assert response.status_code == 200
    assert "所选申报无效" in response.content.decode()
    assert Application.objects.get(pk=filed.pk).state == State.UNIT_REVIEW
