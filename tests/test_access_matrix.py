"""Every page, as every role: what each may open, and that nobody sees another organisation's data."""

import datetime

import pytest
from django.urls import reverse

from applications.models import State
from home.demo import DEMO_DEPARTMENT
from portal.accounts.models import User
from portal.organizations.models import JoinRequest, JoinStatus, Membership, Organization
from tests.factories import UnitFactory, member
from tests.workflow_helpers import DEMO, at

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "applicant",
    "unit_hr",
    "dept_reviewer",
    "window_staff",
    "bureau_approver",
    "admin",
    "committee_expert",
    "committee_office",
]
PUBLIC = [
    "home:home",
    "home:committees",
    "home:series",
    "home:hr_offices",
    "people:register",
    "organizations:unit_register",
    "healthz",
    "readyz",
]


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_open_for_everyone(as_role, role):
    client = as_role(role)
    for name in PUBLIC:
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_shows_each_roles_own_section(as_role, role):
    client = as_role(role)
    response = client.get(reverse("home:dashboard"))
    if role == "anonymous":
        assert response.status_code == 302 and reverse("accounts:login") in response.url
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="role-{role}"' in page
    for other in DEMO:
        if other != role:
            assert f'id="role-{other}"' not in page


@pytest.mark.parametrize("role", ROLES)
def test_unit_staff_page_only_for_its_officer_and_admin(as_role, role):
    unit = Organization.objects.get(name="昆明市第一中学")
    response = as_role(role).get(reverse("organizations:unit_staff", args=[unit.pk]))
    expected = {"unit_hr": 200, "admin": 200, "anonymous": 302}.get(role, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_unit_review_page_only_for_department_reviewers_and_admin(as_role, role):
    response = as_role(role).get(reverse("organizations:unit_review_list"))
    expected = {"dept_reviewer": 200, "admin": 200, "anonymous": 302}.get(role, 403)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_staff_actions_only_for_officer_and_admin(as_role, role):
    unit = Organization.objects.get(name="昆明市第一中学")
    applicant = User.objects.get(mobile=DEMO["applicant"])
    for name in ["organizations:staff_unlock", "organizations:staff_reset_password"]:
        response = as_role(role).post(reverse(name, args=[unit.pk, applicant.pk]))
        expected = {"unit_hr": 302, "admin": 302, "anonymous": 302}.get(role, 404)
        assert response.status_code == expected, (name, role)
        if role == "anonymous":
            assert reverse("accounts:login") in response.url


@pytest.mark.parametrize("role", ROLES)
def test_join_requests_decided_only_by_the_units_officer_and_admin(as_role, role):
    unit = Organization.objects.get(name="昆明市第一中学")
    joining = member("applicant", UnitFactory())
    Membership.objects.filter(user=joining).update(is_active=False)
    join_request = JoinRequest.objects.create(user=joining, organization=unit)
    response = as_role(role).post(
        reverse("organizations:join_decide", args=[unit.pk, join_request.pk]), {"decision": "reject"}
    )
    expected = {"unit_hr": 302, "admin": 302, "anonymous": 302}.get(role, 404)
    assert response.status_code == expected, role
    join_request.refresh_from_db()
    decided = role in ("unit_hr", "admin")
    assert (join_request.status == JoinStatus.REJECTED) is decided


@pytest.mark.parametrize("role", ROLES)
def test_own_account_pages_for_everyone_logged_in(as_role, role):
    for name in ["people:profile", "accounts:change_password", "accounts:change_mobile"]:
        response = as_role(role).get(reverse(name))
        if role == "anonymous":
            assert response.status_code == 302 and reverse("accounts:login") in response.url, name
        else:
            assert response.status_code == 200, (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_own_record_pages_for_everyone_logged_in(as_role, role):
    """The personal record (个人业务档案) shows only the signed-in person's own rows
    (tests/test_personal_record.py), so every logged-in role may open its own."""
    for url in [reverse("record:index"), reverse("record:section", args=["education"])]:
        response = as_role(role).get(url)
        if role == "anonymous":
            assert response.status_code == 302 and reverse("accounts:login") in response.url, url
        else:
            assert response.status_code == 200, (url, role)
    assert as_role(role).get("/record/no-such-section/").status_code == (302 if role == "anonymous" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_admin_site_only_for_admin(as_role, role):
    response = as_role(role).get(reverse("admin:index"))
    assert response.status_code == (200 if role == "admin" else 302)


def test_admin_pages_are_in_chinese(as_role):
    client = as_role("admin")
    for name in [
        "admin:index",
        "admin:catalog_committee_changelist",
        "admin:catalog_series_changelist",
        "admin:catalog_item_changelist",
        "admin:catalog_applicationwindow_changelist",
        "admin:organizations_organization_changelist",
        "admin:accounts_user_changelist",
        "admin:notifications_smsmessage_changelist",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "管理" in response.content.decode() or "修改" in response.content.decode()


@pytest.fixture
def filed(demo):
    return at(State.UNIT_REVIEW, "initial_recognition")


# Expected status per role for each page about one filed application of the demo applicant.
# Every demo reviewer's scope covers it (their unit, its department, Kunming's window and bureau):
# they may read it at any stage; only the stage's reviewer may act (see below). Reviewers of
# other units, departments or regions get 404 (tests/test_workflow.py).
IN_SCOPE = {
    "anonymous": 302,
    "applicant": 200,
    "unit_hr": 200,
    "dept_reviewer": 200,
    "window_staff": 200,
    "bureau_approver": 200,
    "admin": 200,
    # An expert is no reviewer of the unit that employs them, and never sees a file through it.
    "committee_expert": 404,
    # The office runs sessions; it reads files only through its session's pages.
    "committee_office": 404,
}
APPLICATION_PAGES = {
    "reviews:detail": {**IN_SCOPE, "applicant": 404},
    "applications:timeline": IN_SCOPE,
    "applications:checklist": IN_SCOPE,
}


@pytest.mark.parametrize("role", ROLES)
def test_application_pages_as_every_role(as_role, filed, role):
    client = as_role(role)
    for name, expected in APPLICATION_PAGES.items():
        response = client.get(reverse(name, args=[filed.pk]))
        assert response.status_code == expected[role], (name, role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_material_preview_as_every_role(as_role, filed, role):
    """In-page preview of a material: whoever may open the review page (the applicant downloads
    their own files from their own pages)."""
    url = reverse("reviews:material_preview", args=[filed.pk, filed.materials.first().pk])
    response = as_role(role).get(url)
    assert response.status_code == APPLICATION_PAGES["reviews:detail"][role], (role, response.status_code)


# The committee office (of the demo pool's committees) and the admin; a bureau approver is no office.
POOL_OFFICE = {"anonymous": 302, **dict.fromkeys(ROLES[1:], 404), "committee_office": 200, "admin": 200}


@pytest.mark.parametrize("role", ROLES)
def test_expert_pool_writes_only_for_the_office(as_role, role):
    from reviews.models import Expert, ExpertStatus

    expert = Expert.objects.get(user__mobile=DEMO["committee_expert"])
    client = as_role(role)
    posts = {
        reverse("reviews:expert_add"): {"real_name": ""},
        reverse("reviews:expert_import"): {},
        reverse("reviews:expert_status", args=[expert.pk]): {"status": ExpertStatus.RETIRED},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        expected = {"anonymous": 302, "committee_office": (302, 400), "admin": (302, 400)}.get(role, 404)
        assert response.status_code in (expected if isinstance(expected, tuple) else (expected,)), (url, role)
    expert.refresh_from_db()
    assert (expert.status == ExpertStatus.RETIRED) is (role in ("committee_office", "admin"))


@pytest.mark.parametrize("role", ROLES)
def test_session_pages_and_draws_only_for_the_office(as_role, role):
    from reviews import draws
    from reviews.models import ExpertDraw, SessionExpert

    application = at(State.COMMITTEE_REVIEW, "evaluation")
    office = User.objects.get(mobile=DEMO["committee_office"])
    session = draws.session_create(committee=application.committee, year=2026, experts_to_draw=3, by=office)
    draws.expert_draw(session_id=session.pk, by=office)
    member = SessionExpert.objects.filter(session=session).first()
    client = as_role(role)
    office_role = role in ("committee_office", "admin")
    response = client.get(reverse("reviews:session", args=[session.pk]))
    assert response.status_code == {"anonymous": 302}.get(role, 200 if office_role else 404)
    for url in [
        reverse("reviews:session_draw", args=[session.pk]),
        reverse("reviews:session_decline", args=[member.pk]),
    ]:
        response = client.post(url)
        assert response.status_code == {"anonymous": 302}.get(role, 302 if office_role else 404), (url, role)
    # The office's second whole draw is refused; its decline draws one replacement.
    assert ExpertDraw.objects.filter(session=session).count() == (2 if office_role else 1)


@pytest.mark.parametrize("role", ROLES)
def test_online_review_pages_as_every_role(as_role, role):
    """Online review: an assignment is its drawn expert's alone (none of the demo roles is drawn:
    孙丽 works with the applicant); opening and reminding are the office's."""
    from reviews import draws, online
    from reviews.models import ReviewAssignment

    application = at(State.COMMITTEE_REVIEW, "evaluation")
    office = User.objects.get(mobile=DEMO["committee_office"])
    session = draws.session_create(committee=application.committee, year=2026, experts_to_draw=3, by=office)
    draws.expert_draw(session_id=session.pk, by=office)
    client = as_role(role)
    office_role = role in ("committee_office", "admin")
    response = client.post(reverse("reviews:session_online_open", args=[session.pk]))
    assert response.status_code == {"anonymous": 302}.get(role, 302 if office_role else 404), role
    if not office_role:
        online.online_review_open(session_id=session.pk, by=office)
    assignment = ReviewAssignment.objects.filter(member__session=session).first()
    material = application.materials.first()
    assert client.get(reverse("reviews:online")).status_code == {"anonymous": 302, "committee_expert": 200}.get(
        role, 404
    )
    for url, method in [
        (reverse("reviews:online_review", args=[assignment.pk]), "get"),
        (reverse("reviews:online_recuse", args=[assignment.pk]), "post"),
        (reverse("reviews:online_material", args=[assignment.pk, material.pk]), "get"),
    ]:
        response = getattr(client, method)(url, {"note": "x"} if method == "post" else {})
        assert response.status_code == {"anonymous": 302}.get(role, 404), (url, role)
    response = client.post(reverse("reviews:session_online_remind", args=[session.pk]))
    assert response.status_code == {"anonymous": 302}.get(role, 302 if office_role else 404), role
    assignment.refresh_from_db()
    assert assignment.status == "assigned"


@pytest.mark.parametrize("role", ROLES)
def test_meeting_pages_as_every_role(as_role, role):
    """The meeting: roll call, chair, conflicts, vote, paper ballots, close, sign-off and result
    notice are the office's (and the admin's); the ballot page is the pool's experts' (none of
    the demo roles is drawn, so nobody here may cast a ballot); everyone else gets a 404."""
    from reviews import draws
    from reviews.models import NoticeKind, SessionExpert, UnitNotice

    application = at(State.COMMITTEE_REVIEW, "evaluation")
    office = User.objects.get(mobile=DEMO["committee_office"])
    session = draws.session_create(committee=application.committee, year=2026, experts_to_draw=3, by=office)
    draws.expert_draw(session_id=session.pk, by=office)
    notice = UnitNotice.objects.create(
        kind=NoticeKind.RESULT,
        session=session,
        unit=office.memberships.get().organization,
        title="评审结果公示",
        contact_person="周洁",
        phone="0871-63130000",
        start_date="2026-01-05",
        working_days=5,
        end_date="2026-01-09",
        created_by=office,
    )
    client = as_role(role)
    office_role = role in ("committee_office", "admin")
    posts = {
        reverse("reviews:session_attendance", args=[session.pk]): 302,
        reverse("reviews:session_chair", args=[session.pk]): 302,
        reverse("reviews:session_conflict", args=[session.pk]): 400,
        reverse("reviews:session_vote_open", args=[session.pk]): 302,
        reverse("reviews:session_paper_ballot", args=[session.pk]): 400,
        reverse("reviews:session_vote_close", args=[session.pk]): 302,
        reverse("reviews:session_vote_sign", args=[session.pk]): 302,
        reverse("reviews:session_result_notice", args=[session.pk]): 400,
        reverse("reviews:result_notice_conclude", args=[notice.pk]): 400,
    }
    for url, office_status in posts.items():
        response = client.post(url, {})
        expected = {"anonymous": 302}.get(role, office_status if office_role else 404)
        assert response.status_code == expected, (url, role, response.status_code)
    response = client.get(reverse("reviews:session_trail", args=[session.pk]))
    assert response.status_code == {"anonymous": 302}.get(role, 200 if office_role else 404), role
    response = client.get(reverse("reviews:ballots"))
    assert response.status_code == {"anonymous": 302, "committee_expert": 200}.get(role, 404), role
    response = client.post(reverse("reviews:ballot_cast", args=[session.pk, application.pk]), {"choice": "for"})
    assert response.status_code == {"anonymous": 302}.get(role, 404), role
    recorded = SessionExpert.objects.filter(session=session, present__isnull=False).exists()
    assert recorded is office_role


@pytest.mark.parametrize("role", ROLES)
def test_interview_pages_as_every_role(as_role, role):
    """The interview (答辩): scheduling and attendance are the office's (and the admin's); the
    schedule page is the session's office and its drawn experts' (none of the demo roles is
    drawn); the applicant sees their own slot on their progress page; everyone else gets a 404."""
    import datetime as dt

    from reviews import draws, interviews
    from reviews.models import InterviewSlot

    application = at(State.COMMITTEE_REVIEW, "evaluation")
    application.committee.holds_interview = True
    application.committee.save(update_fields=["holds_interview"])
    office = User.objects.get(mobile=DEMO["committee_office"])
    session = draws.session_create(committee=application.committee, year=2026, experts_to_draw=3, by=office)
    draws.expert_draw(session_id=session.pk, by=office)
    slot = interviews.interview_schedule(
        session_id=session.pk,
        application_id=application.pk,
        date=dt.date(2026, 12, 8),
        starts_at=dt.time(9, 0),
        ends_at=dt.time(9, 20),
        place="市人社局三楼第一会议室",
        by=office,
    )
    client = as_role(role)
    office_role = role in ("committee_office", "admin")
    response = client.get(reverse("reviews:session_interviews", args=[session.pk]))
    assert response.status_code == {"anonymous": 302}.get(role, 200 if office_role else 404), role
    response = client.post(reverse("reviews:session_interview_schedule", args=[session.pk]), {})
    assert response.status_code == {"anonymous": 302}.get(role, 400 if office_role else 404), role
    response = client.post(
        reverse("reviews:interview_attendance", args=[slot.pk]), {f"slot{slot.pk}-attendance": "absent"}
    )
    assert response.status_code == {"anonymous": 302}.get(role, 302 if office_role else 404), role
    assert InterviewSlot.objects.get(pk=slot.pk).absent is office_role
    # The progress page opens for the reviewers in scope too; the slot is the applicant's alone.
    response = client.get(reverse("applications:timeline", args=[application.pk]))
    assert ("市人社局三楼第一会议室" in response.content.decode()) is (role == "applicant"), role


@pytest.mark.parametrize("role", ROLES)
def test_discipline_group_posts_as_every_role(as_role, role):
    """Discipline groups (评议组): setting one up, its files and experts, its opinion are the
    office's (and the admin's); everyone else gets a 404 and nothing changes."""
    from reviews import draws, groups
    from reviews.models import DisciplineGroup

    application = at(State.COMMITTEE_REVIEW, "evaluation")
    office = User.objects.get(mobile=DEMO["committee_office"])
    session = draws.session_create(committee=application.committee, year=2026, experts_to_draw=3, by=office)
    draws.expert_draw(session_id=session.pk, by=office)
    group = groups.group_create(session_id=session.pk, name="语文评议组", speciality="", by=office)
    client = as_role(role)
    office_role = role in ("committee_office", "admin")
    posts = {
        reverse("reviews:session_group_create", args=[session.pk]): ({"group-name": "数学评议组"}, 302),
        reverse("reviews:group_assign", args=[group.pk]): ({f"group{group.pk}-applications": [application.pk]}, 302),
        reverse("reviews:group_opinion", args=[group.pk]): ({}, 400),
    }
    for url, (data, office_status) in posts.items():
        response = client.post(url, data)
        expected = {"anonymous": 302}.get(role, office_status if office_role else 404)
        assert response.status_code == expected, (url, role, response.status_code)
    assert DisciplineGroup.objects.filter(session=session).count() == (2 if office_role else 1)
    assert group.applications.exists() is office_role


@pytest.mark.parametrize("role", ROLES)
def test_session_documents_as_every_role(as_role, role, django_capture_on_commit_callbacks):
    """The session's letters and roster: made by its office (and the admin), opened by the office
    and the bureau covering the session's applications; a 404 for everyone else."""
    from certificates.models import DocumentJob
    from reviews import draws

    application = at(State.COMMITTEE_REVIEW, "evaluation")
    office = User.objects.get(mobile=DEMO["committee_office"])
    session = draws.session_create(committee=application.committee, year=2026, experts_to_draw=3, by=office)
    draws.expert_draw(session_id=session.pk, by=office)
    client = as_role(role)
    office_role = role in ("committee_office", "admin")
    for kind in ("session_letters", "session_roster"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("certificates:session_document", args=[session.pk, kind]))
        assert response.status_code == {"anonymous": 302}.get(role, 302 if office_role else 404), (kind, role)
    made = DocumentJob.objects.filter(session=session)
    assert made.count() == (2 if office_role else 0)
    if not office_role:
        from certificates import services

        with django_capture_on_commit_callbacks(execute=True):
            services.session_document_request(session_id=session.pk, kind="session_roster", user=office)
    job = DocumentJob.objects.filter(session=session).first()
    readers = ("committee_office", "admin", "bureau_approver")
    for url in (reverse("certificates:job", args=[job.pk]), reverse("certificates:job_download", args=[job.pk])):
        response = client.get(url)
        assert response.status_code == {"anonymous": 302}.get(role, 200 if role in readers else 404), (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_revealing_the_full_id_number_as_every_role(as_role, filed, role):
    response = as_role(role).post(reverse("reviews:reveal", args=[filed.pk]))
    expected = {**IN_SCOPE, "applicant": 404}[role]
    assert response.status_code == expected, (role, response.status_code)
    page = response.content.decode()
    assert (filed.applicant.id_number in page) is (expected == 200)


@pytest.mark.parametrize("role", ROLES)
def test_reviewer_pages_as_every_role(as_role, role):
    client = as_role(role)
    expectations = {
        "reviews:queue": {
            "anonymous": 302,
            "applicant": 404,
            "admin": 404,
            "committee_expert": 404,
            "committee_office": 404,
        },
        "reviews:queue_export": {
            "anonymous": 302,
            "applicant": 404,
            "admin": 404,
            "committee_expert": 404,
            "committee_office": 404,
        },
        "reviews:notice_list": {
            "anonymous": 302,
            "applicant": 404,
            "dept_reviewer": 404,
            "window_staff": 404,
            "bureau_approver": 404,
            "admin": 404,
            "committee_expert": 404,
            "committee_office": 404,
        },
        "reviews:offline_new": {
            "anonymous": 302,
            "applicant": 404,
            "unit_hr": 404,
            "dept_reviewer": 404,
            "bureau_approver": 404,
            "admin": 404,
            "committee_expert": 404,
            "committee_office": 404,
        },
        "reviews:workflow": {
            "anonymous": 302,
            "applicant": 404,
            "unit_hr": 404,
            "dept_reviewer": 404,
            "window_staff": 404,
            "bureau_approver": 404,
            "committee_expert": 404,
            "committee_office": 404,
        },
        "reviews:public_notices": {},
        # The expert pool: the committee office (the committee stage's reviewer) and the admin.
        "reviews:experts": POOL_OFFICE,
        "reviews:expert_export": POOL_OFFICE,
        "reviews:expert_template": POOL_OFFICE,
        # Sessions and their draws: the office alone; the drawn list is secret from everyone else.
        "reviews:sessions": POOL_OFFICE,
    }
    for name, expected in expectations.items():
        response = client.get(reverse(name))
        assert response.status_code == expected.get(role, 200), (name, role, response.status_code)


@pytest.mark.parametrize(
    "role", ["anonymous", "applicant", "dept_reviewer", "window_staff", "bureau_approver", "admin"]
)
def test_only_the_stage_reviewer_can_decide(as_role, filed, role):
    from applications.models import Application

    response = as_role(role).post(
        reverse("reviews:decide", args=[filed.pk]),
        {"step": "unit_recommend", "opinion": "同意", "expected_state": "unit_review"},
    )
    assert response.status_code in (302, 404)
    assert Application.objects.get(pk=filed.pk).state == "unit_review"


@pytest.mark.parametrize("role", ROLES)
def test_second_factor_pages_only_for_staff(as_role, role):
    """Staff here are past the second factor (force_login); before it, see tests/test_second_factor.py."""
    client = as_role(role)
    urls = {
        name: reverse(name)
        for name in ["accounts:second_factor", "accounts:second_factor_setup", "accounts:recovery_codes"]
    }
    for name, url in urls.items():
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and reverse("accounts:login") in response.url, name
        elif role == "applicant":
            assert response.status_code == 404, name
        elif name == "accounts:second_factor":
            assert response.status_code == 302 and response.url == reverse("home:dashboard"), name
        else:
            assert response.status_code == 200, name


# Statistics: the bureau, the supervising departments and the committee offices, each for
# the units its queue covers (an office: its committees); everyone else gets a 404, the anonymous visitor the login page.
STATISTICS = {"bureau_approver": 200, "dept_reviewer": 200, "committee_office": 200, "anonymous": 302}


@pytest.mark.parametrize("role", ROLES)
def test_statistics_pages_as_every_role(as_role, role):
    client = as_role(role)
    urls = [
        reverse("stats:dashboard"),
        reverse("stats:export", args=["by_state", "xlsx"]),
        reverse("stats:export", args=["outcomes_unit", "csv"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == STATISTICS.get(role, 404), (url, role, response.status_code)
        if role == "anonymous":
            assert reverse("accounts:login") in response.url


# The window's desk (issue 15): lists and actions only the window staff have; everyone else gets
# a 404 (nothing tells them the page exists), the anonymous visitor the login page.
WINDOW_ONLY = {"anonymous": 302, **dict.fromkeys(ROLES[1:], 404), "window_staff": 200}


@pytest.mark.parametrize("role", ROLES)
def test_window_desk_pages_as_every_role(as_role, role):
    accepted = at(State.BUREAU_APPROVAL, "initial_recognition")
    client = as_role(role)
    for url in [
        reverse("certificates:print_queue_export", args=["print"]),
        reverse("certificates:print_queue_export", args=["handover"]),
        reverse("certificates:cover", args=[accepted.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == WINDOW_ONLY[role], (url, role, response.status_code)
        if role == "anonymous":
            assert reverse("accounts:login") in response.url
    assert client.get(reverse("certificates:print_queue_export", args=["other"])).status_code in (302, 404)
    # Batch hand-over with nothing ticked: the window is told so (400), nobody else learns of it.
    response = client.post(reverse("certificates:handover_batch"))
    assert response.status_code == {**WINDOW_ONLY, "window_staff": 400}[role], (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_filing_confirmation_and_autosave_as_every_role(as_role, filed, role):
    """The confirmation before submitting and the autosave endpoint: a filed application is no
    one's to change (the confirmation sends back to the checklist, autosave says 409); out of scope
    it is a 404 like a missing one."""
    client = as_role(role)
    expected = {"anonymous": 302, "committee_expert": 404, "committee_office": 404}.get(role, 302)
    response = client.get(reverse("applications:confirm", args=[filed.pk]))
    assert response.status_code == expected, (role, response.status_code)
    response = client.post(reverse("applications:autosave", args=[filed.pk, "summary"]), {"text": "改动"})
    expected = {"anonymous": 302, "committee_expert": 404, "committee_office": 404}.get(role, 409)
    assert response.status_code == expected, (role, response.status_code)
    assert response.status_code != 200


@pytest.mark.parametrize("role", ROLES)
def test_unit_message_page_only_for_its_officer_and_admin(as_role, role):
    unit = Organization.objects.get(name="昆明市第一中学")
    url = reverse("organizations:unit_message", args=[unit.pk])
    client = as_role(role)
    response = client.get(url)
    assert response.status_code == {"unit_hr": 200, "admin": 200, "anonymous": 302}.get(role, 404)
    response = client.post(url, {"topic": "通知", "message": "请按时提交材料。"})
    assert response.status_code == {"unit_hr": 302, "admin": 302, "anonymous": 302}.get(role, 404)


@pytest.mark.parametrize("role", ROLES)
def test_notice_pages_and_changes_only_for_the_units_officer(as_role, role):
    from reviews import notices
    from reviews.models import NoticeResult

    application = at(State.UNIT_NOTICE, "evaluation")
    officer = User.objects.get(mobile=DEMO["unit_hr"])
    notice = notices.notice_open(
        unit=application.unit,
        user=officer,
        applications=[application],
        title="",
        content="现予公示。",
        contact_person="经办人",
        phone="0871-63100000",
        start_date=datetime.date.today() + datetime.timedelta(days=7),
        working_days=5,
    )
    client = as_role(role)
    officer_role = role == "unit_hr"
    response = client.get(reverse("reviews:notice_detail", args=[notice.pk]))
    assert response.status_code == {"anonymous": 302}.get(role, 200 if officer_role else 404)
    response = client.post(
        reverse("reviews:notice_correct", args=[notice.pk]),
        {"correct-working_days": "6", "correct-reason": "延长"},
    )
    assert response.status_code == {"anonymous": 302}.get(role, 302 if officer_role else 404)
    response = client.post(reverse("reviews:notice_withdraw", args=[notice.pk]), {"withdraw-reason": "撤回"})
    assert response.status_code == {"anonymous": 302}.get(role, 302 if officer_role else 404)
    notice.refresh_from_db()
    assert (notice.working_days, notice.result) == (
        (6, NoticeResult.WITHDRAWN) if officer_role else (5, NoticeResult.PENDING)
    )


# Growing the hierarchy (issue 11): the bureau's pages for the bureau approver (and the admin);
# 创建下级单位 for the department's own reviewer (and the admin); everyone else a 404.
SHAPERS = {"anonymous": 302, **dict.fromkeys(ROLES[1:], 404), "bureau_approver": 200, "admin": 200}


@pytest.mark.parametrize("role", ROLES)
def test_hierarchy_pages_as_every_role(as_role, role):
    from portal.organizations.models import OrgKind

    client = as_role(role)
    for name in ["organizations:hierarchy", "organizations:region_create", "organizations:department_create"]:
        response = client.get(reverse(name))
        assert response.status_code == SHAPERS[role], (name, role, response.status_code)
    waiting = Organization.objects.create(
        kind=OrgKind.DEPARTMENT, name="待审核主管部门", region=Organization.objects.get(name=DEMO_DEPARTMENT).region
    )
    response = client.post(reverse("organizations:department_approve", args=[waiting.pk]))
    assert response.status_code == {**SHAPERS, "bureau_approver": 302, "admin": 302}[role], role
    waiting.refresh_from_db()
    assert (waiting.status == "approved") is (role in ("bureau_approver", "admin"))
    department = Organization.objects.get(name=DEMO_DEPARTMENT)
    response = client.get(reverse("organizations:subordinate_units", args=[department.pk]))
    assert response.status_code == {**SHAPERS, "bureau_approver": 404, "dept_reviewer": 200}[role], role


@pytest.mark.parametrize("role", ROLES)
def test_invitation_pages_as_every_role(as_role, role):
    """The invitation page is public (the invited person registers there) and, logged in, lists
    only invitations to the user's own mobile; accepting someone else's is a 404."""
    from portal.organizations.models import Invitation

    department = Organization.objects.get(name=DEMO_DEPARTMENT)
    invitation = Invitation.objects.create(
        organization=department,
        role="dept_reviewer",
        real_name="马骏",
        mobile="13912340001",
        created_by=User.objects.get(mobile=DEMO["bureau_approver"]),
    )
    client = as_role(role)
    assert client.get(reverse("organizations:invitation")).status_code == 200
    response = client.post(reverse("organizations:invitation_accept", args=[invitation.pk]))
    assert response.status_code == (302 if role == "anonymous" else 404), role
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
