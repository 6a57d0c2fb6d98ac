"""Online review (网络评审): who sees which application, what they see (the filed snapshot,
anonymised when the committee says so, never their own file), the rubric's drafts and
submissions, recusal, the office's progress and reminders."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import State
from portal.notifications.models import Notification
from reviews import draws, online
from reviews.models import (
    Expert,
    ExpertConflict,
    ReviewAssignment,
    ReviewStatus,
    Rubric,
    SessionExpert,
    SessionExpertStatus,
)
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting(demo):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    office = user("committee_office")
    session = draws.session_create(committee=application.committee, year=2026, experts_to_draw=3, by=office)
    draws.expert_draw(session_id=session.pk, by=office)
    return session


@pytest.fixture
def opened(sitting):
    online.online_review_open(session_id=sitting.pk, by=user("committee_office"))
    sitting.refresh_from_db()
    return sitting


def expert_of(member):
    return member.expert.user


def first(session):
    return ReviewAssignment.objects.filter(member__session=session).select_related("member__expert__user").first()


def scores(assignment, points=(8, 30, 20, 20), comments=("", "教学业绩突出", "", "示范作用明显")):
    categories = list(Rubric.objects.get(series=assignment.application.series).categories.all())
    return [online.CategoryScore(c.pk, p, t) for c, p, t in zip(categories, points, comments, strict=True)]


def test_opening_assigns_every_drawn_expert_the_sessions_applications(opened):
    members = SessionExpert.objects.filter(session=opened)
    assert members.count() == 3
    assert ReviewAssignment.objects.filter(member__session=opened).count() == 3
    with pytest.raises(ValidationError, match="已经开始"):
        online.online_review_open(session_id=opened.pk, by=user("committee_office"))


def test_opening_needs_a_drawn_list_and_a_rubric(demo):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    office = user("committee_office")
    session = draws.session_create(committee=application.committee, year=2026, experts_to_draw=3, by=office)
    with pytest.raises(ValidationError, match="请先抽取"):
        online.online_review_open(session_id=session.pk, by=office)
    draws.expert_draw(session_id=session.pk, by=office)
    Rubric.objects.all().delete()
    with pytest.raises(ValidationError, match="评分标准"):
        online.online_review_open(session_id=session.pk, by=office)
    session.refresh_from_db()
    assert session.review_opened_at is None and not ReviewAssignment.objects.exists()


@pytest.mark.parametrize("role", ["bureau_approver", "committee_expert", "applicant"])
def test_only_the_office_opens_the_review(sitting, role):
    with pytest.raises(ValidationError):
        online.online_review_open(session_id=sitting.pk, by=user(role))
    assert not ReviewAssignment.objects.exists()


def test_an_expert_sees_only_their_own_assignments(opened, client):
    mine, other = list(ReviewAssignment.objects.filter(member__session=opened))[:2]
    client.force_login(expert_of(mine.member))
    assert client.get(reverse("reviews:online_review", args=[mine.pk])).status_code == 200
    assert client.get(reverse("reviews:online_review", args=[other.pk])).status_code == 404
    listing = client.get(reverse("reviews:online")).content.decode()
    assert reverse("reviews:online_review", args=[mine.pk]) in listing
    assert reverse("reviews:online_review", args=[other.pk]) not in listing


def test_an_expert_not_drawn_sees_nothing(opened, as_role):
    assignment = first(opened)
    client = as_role("committee_expert")  # 孙丽: a colleague of the applicant, excluded from the draw
    assert client.get(reverse("reviews:online_review", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("reviews:online")).status_code == 200


def test_the_page_shows_the_filed_snapshot_not_the_live_draft(opened, client):
    assignment = first(opened)
    application = assignment.application
    content = application.filed_content
    content["basic"]["post"] = "提交时的岗位"
    type(application).objects.filter(pk=application.pk).update(filed_content=content)
    profile = application.applicant.profile
    profile.post = "提交后改的岗位"
    profile.save()
    client.force_login(expert_of(assignment.member))
    page = client.get(reverse("reviews:online_review", args=[assignment.pk])).content.decode()
    assert "提交时的岗位" in page and "提交后改的岗位" not in page
    # The ID number is masked, as for every reader who does not need it.
    assert application.applicant.id_number not in page


def test_a_material_changed_after_filing_is_not_served(opened, client):
    assignment = first(opened)
    material = assignment.application.materials.first()
    client.force_login(expert_of(assignment.member))
    url = reverse("reviews:online_material", args=[assignment.pk, material.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    type(material).objects.filter(pk=material.pk).update(sha256="0" * 64)
    assert client.get(url).status_code == 404


def test_an_anonymous_committee_hides_who_the_applicant_is(opened, client):
    committee = opened.committee
    committee.hide_identity_in_review = True
    committee.save()
    assignment = first(opened)
    applicant = assignment.application.applicant
    client.force_login(expert_of(assignment.member))
    for url in [reverse("reviews:online"), reverse("reviews:online_review", args=[assignment.pk])]:
        page = client.get(url).content.decode()
        assert applicant.real_name not in page, url
        assert assignment.application.unit.name not in page, url
    assert "已隐去" in client.get(reverse("reviews:online_review", args=[assignment.pk])).content.decode()


def test_an_expert_who_is_an_applicant_never_gets_their_own_file(opened, client):
    assignment = first(opened)
    application = assignment.application
    expert = assignment.member.expert
    # The expert files too (a conflict surfacing late): their file is added to the session.
    own = at(State.COMMITTEE_REVIEW, "evaluation", applicant=expert.user)
    opened.applications.add(own)
    online.assign(opened)
    assert not ReviewAssignment.objects.filter(member=assignment.member, application=own).exists()
    # Even an assignment written by hand is never shown to them.
    forced = ReviewAssignment.objects.create(member=assignment.member, application=own)
    client.force_login(expert.user)
    assert client.get(reverse("reviews:online_review", args=[forced.pk])).status_code == 404
    assert application.pk != own.pk


def test_a_draft_is_partial_and_a_submission_complete(opened):
    assignment = first(opened)
    by = expert_of(assignment.member)
    partial = scores(assignment)[:1]
    saved = online.review_save(assignment_id=assignment.pk, by=by, scores=partial, comment="", submit=False)
    assert saved.status == ReviewStatus.DRAFT and saved.total is None
    with pytest.raises(ValidationError) as refused:
        online.review_save(assignment_id=assignment.pk, by=by, scores=partial, comment="", submit=True)
    assert "请评分。" in str(refused.value) and "请填写总体评价。" in str(refused.value)
    done = online.review_save(
        assignment_id=assignment.pk, by=by, scores=scores(assignment), comment="同意", submit=True
    )
    assert done.status == ReviewStatus.SUBMITTED and done.total == 78
    with pytest.raises(ValidationError, match="已提交"):
        online.review_save(assignment_id=assignment.pk, by=by, scores=scores(assignment), comment="改", submit=True)


def test_points_beyond_full_marks_and_missing_required_comments_are_refused(opened):
    assignment = first(opened)
    by = expert_of(assignment.member)
    with pytest.raises(ValidationError) as refused:
        online.review_save(
            assignment_id=assignment.pk,
            by=by,
            scores=scores(assignment, points=(11, 30, 20, 20), comments=("", "", "", "")),
            comment="同意",
            submit=True,
        )
    errors = refused.value.message_dict
    categories = list(Rubric.objects.get(series=assignment.application.series).categories.all())
    assert errors[f"points_{categories[0].pk}"] == ["得分须在0至10分之间。"]
    assert errors[f"comment_{categories[1].pk}"] == ["该项须填写评语。"]
    assignment.refresh_from_db()
    assert assignment.status == ReviewStatus.ASSIGNED and not assignment.scores.exists()


def test_a_wrong_score_on_the_page_is_said_at_the_field_and_nothing_typed_is_lost(opened, client):
    assignment = first(opened)
    categories = list(Rubric.objects.get(series=assignment.application.series).categories.all())
    client.force_login(expert_of(assignment.member))
    data = {f"points_{c.pk}": "5" for c in categories}
    data[f"points_{categories[0].pk}"] = "99"
    data[f"comment_{categories[1].pk}"] = "我写的评语"
    data["comment"] = "总体评价文字"
    data["action"] = "submit"
    response = client.post(reverse("reviews:online_review", args=[assignment.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "得分须在0至10分之间。" in page and "我写的评语" in page and "总体评价文字" in page
    assert f'aria-describedby="id_points_{categories[0].pk}_error' in page or "aria-invalid" in page
    assignment.refresh_from_db()
    assert assignment.status == ReviewStatus.ASSIGNED


def test_an_expert_declaring_a_conflict_is_recused_and_it_is_recorded(opened, client):
    assignment = first(opened)
    client.force_login(expert_of(assignment.member))
    response = client.post(reverse("reviews:online_recuse", args=[assignment.pk]), {"note": ""})
    assert response.status_code == 400 and "请填写回避事由" in response.content.decode()
    response = client.post(reverse("reviews:online_recuse", args=[assignment.pk]), {"note": "申报人是我的学生"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == ReviewStatus.RECUSED
    conflict = ExpertConflict.objects.get(expert=assignment.member.expert, application=assignment.application)
    assert conflict.note == "申报人是我的学生"
    with pytest.raises(ValidationError):
        online.review_save(
            assignment_id=assignment.pk, by=expert_of(assignment.member), scores=[], comment="", submit=False
        )
    progress = {m.pk: m for m in online.progress(opened)}
    assert progress[assignment.member_id].recused == 1


def test_the_office_sees_progress_and_reminds_only_laggards(opened, as_role):
    done, *late = list(ReviewAssignment.objects.filter(member__session=opened))
    online.review_save(
        assignment_id=done.pk, by=expert_of(done.member), scores=scores(done), comment="同意", submit=True
    )
    page = as_role("committee_office").get(reverse("reviews:session", args=[opened.pk])).content.decode()
    assert 'id="review-progress"' in page
    response = as_role("committee_office").post(reverse("reviews:session_online_remind", args=[opened.pk]))
    assert response.status_code == 302
    reminded = set(Notification.objects.filter(event="online_review_reminder").values_list("recipient", flat=True))
    assert reminded == {a.member.expert.user_id for a in late}


def test_a_replacement_takes_over_the_review_of_one_who_declined(opened):
    member = SessionExpert.objects.filter(session=opened).first()
    draw = draws.expert_decline(session_expert_id=member.pk, by=user("committee_office"))
    replacement = SessionExpert.objects.get(draw=draw)
    assert ReviewAssignment.objects.filter(member=replacement).count() == 1
    member.refresh_from_db()
    assert member.status == SessionExpertStatus.DECLINED
    assert not online.assignments_of(member.expert.user).exists()
    assert Expert.objects.filter(pk=replacement.expert_id).exists()
