"""Discipline groups (评议组) in the browser: the office sets up a group, puts the file and three
experts in it and records the group's written opinion; at the vote an expert sees the opinion
next to the applicant and still casts their own ballot (the whole committee decides)."""

from playwright.sync_api import expect

from applications.models import State
from reviews import meetings
from reviews.models import DisciplineGroup
from tests.e2e.helpers import login
from tests.factories import PASSWORD
from tests.meeting_helpers import attend, roll, sitting
from tests.workflow_helpers import DEMO, at, user


def test_a_groups_opinion_is_shown_at_the_committees_vote(page, site, demo, shot):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    session = sitting(4, application=application)
    members = roll(session)
    session_url = f"{site}/reviews/sessions/{session.pk}/"

    login(page, site, DEMO["committee_office"])
    page.goto(session_url)
    page.fill("#id_group-name", "中学语文评议组")
    page.fill("#id_group-speciality", "中学语文")
    page.locator("#create-group").click()
    expect(page.locator(".messages")).to_contain_text("评议组已设立")
    group = DisciplineGroup.objects.get(session=session)
    box = page.locator(f"#group-{group.pk}")
    box.locator("summary", has_text="分配申报与专家").click()
    box.locator(f"input[name='group{group.pk}-applications'][value='{application.pk}']").check()
    for m in members[:3]:
        box.locator(f"input[name='group{group.pk}-members'][value='{m.pk}']").check()
    page.locator(f"#assign-group-{group.pk}").click()
    expect(page.locator(".messages")).to_contain_text("评议组的申报与专家已保存")

    box = page.locator(f"#group-{group.pk}")
    box.locator("summary", has_text="登记评议组意见").click()
    box.get_by_label("建议通过").check()
    box.locator(f"#id_opinion{group.pk}-agreeing").fill("1")
    box.locator(f"#id_opinion{group.pk}-text").fill("教学业绩突出，建议通过。")
    page.locator(f"#opinion-group-{group.pk}").click()
    expect(page.locator("main")).to_contain_text("评议组3名专家，评议意见须经过半数（至少2人）同意")
    shot("opinion-refused-without-majority")
    box = page.locator(f"#group-{group.pk}")
    box.locator(f"#id_opinion{group.pk}-agreeing").fill("3")
    page.locator(f"#opinion-group-{group.pk}").click()
    expect(page.locator(".messages")).to_contain_text("评议组意见已登记")
    expect(page.locator(f"#group-{group.pk}")).to_contain_text("建议通过")
    shot("group-with-opinion")

    attend(session, 4)
    meetings.vote_open(session_id=session.pk, by=user("committee_office"))
    outsider = members[3].expert.user  # not in the group: votes all the same
    outsider.set_password(PASSWORD)
    outsider.save(update_fields=["password"])
    login(page, site, outsider.mobile, PASSWORD)
    page.goto(f"{site}/reviews/ballots/")
    ballot = page.locator(f"#ballot-{application.pk}")
    expect(ballot).to_contain_text("中学语文评议组")
    expect(ballot).to_contain_text("3/3人同意")
    ballot.get_by_label("同意", exact=True).check()
    shot("expert-ballot-with-group-opinion")
    ballot.get_by_role("button", name="投票").click()
    expect(page.locator(".messages")).to_contain_text("已投票")
