"""The page behaviour that lives in static/js/portal.js (wired by data-* attributes, no inline
JavaScript): the language switcher, confirmations before destructive posts, the double-submit
guard on formsets."""

from playwright.sync_api import expect

from portal.accounts.models import User
from portal.organizations.models import Membership, Role
from tests.e2e.helpers import login
from tests.filing_helpers import teacher_evaluation
from tests.workflow_helpers import DEMO


def test_language_switcher_submits_on_change(page, site):
    page.goto(f"{site}/")
    expect(page.locator("header.site nav")).to_contain_text("评委会目录")
    page.select_option("select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header.site nav")).to_contain_text("Committee")
    page.select_option("select[name=language]", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_removing_a_person_asks_first(page, site, demo):
    applicant = User.objects.get(id_number=demo["applicant"].id_number)
    unit = Membership.objects.get(user=applicant, role=Role.APPLICANT).organization
    login(page, site, DEMO["unit_hr"])
    page.goto(f"{site}/units/{unit.pk}/staff/")
    row = page.locator(f"#staff-{applicant.pk}")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    row.get_by_role("button", name="移出本单位").click()
    expect(row).to_be_visible()
    assert questions == ["确定将该人员移出本单位？"]
    assert Membership.objects.get(user=applicant, organization=unit).is_active

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    row.get_by_role("button", name="移出本单位").click()
    expect(page.locator(".messages")).to_contain_text("移出本单位")
    assert len(questions) == 2
    assert not Membership.objects.filter(user=applicant, organization=unit, is_active=True).exists()


def test_a_second_save_within_seconds_is_dropped(page, site, demo):
    application = teacher_evaluation(User.objects.get(id_number=demo["applicant"].id_number))
    login(page, site, DEMO["applicant"])
    page.goto(f"{site}/applications/{application.pk}/section/exams/")
    page.get_by_role("button", name="增加一条").click()
    page.fill("#id_exams-0-name", "职称外语")
    # Two submits in quick succession, as a double click or an impatient second click sends them
    # (dispatched, so the test does not depend on how fast the first response comes back).
    prevented = page.evaluate(
        """() => {
            const form = document.getElementById("rows-form");
            return [1, 2].map(() => {
                const event = new Event("submit", {bubbles: true, cancelable: true});
                form.dispatchEvent(event);
                return event.defaultPrevented;
            });
        }"""
    )
    assert prevented == [False, True]

    # A real save on a fresh page still goes through, once.
    page.goto(f"{site}/applications/{application.pk}/section/exams/")
    page.get_by_role("button", name="增加一条").click()
    page.fill("#id_exams-0-name", "职称外语")
    page.fill("#id_exams-0-taken_on", "2020-05-01")
    page.fill("#id_exams-0-score", "合格")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    assert application.exams.count() == 1
