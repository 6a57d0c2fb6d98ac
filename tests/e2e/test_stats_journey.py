"""The bureau's statistics in a real browser: the charts are drawn by the vendored ECharts with
no script error or CSP refusal, each table beside its chart shows the numbers a direct count
gives, and an exported table opens in openpyxl with the same rows."""

import io

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from applications.models import Application, State
from portal.organizations.models import Organization
from portal.organizations.scope import region_subtree_ids
from tests.e2e.helpers import login
from tests.factories import ApplicationFactory, UnitFactory
from tests.workflow_helpers import DEMO, at, user


def test_bureau_statistics_journey(page, site, demo, shot):
    demo_unit = Organization.objects.get(name="昆明市第一中学")
    at(State.UNIT_REVIEW, "evaluation")
    at(State.WINDOW_INTAKE, "initial_recognition")
    other = UnitFactory(region=demo_unit.region, parent=demo_unit.parent, name="昆明市第二中学")
    ApplicationFactory.create_batch(2, state=State.BUREAU_APPROVAL, unit=other)
    ApplicationFactory(state=State.APPROVED, with_certificate=True, unit=other)
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Script errors and CSP refusals; a missing static file shows as a failed response instead.
    page.on(
        "console",
        lambda message: (
            message.type == "error" and "Failed to load resource" not in message.text and problems.append(message.text)
        ),
    )
    page.on("response", lambda r: "/static/" in r.url and r.status >= 400 and problems.append(r.url))

    login(page, site, DEMO["bureau_approver"])
    page.locator("#stats-link").click()
    expect(page.get_by_role("heading", name="统计分析", level=1)).to_be_visible()
    for key in ("by_state", "trend", "by_unit", "durations", "outcomes_stage", "certificates"):
        chart = page.locator(f'[data-chart="{key}"]')
        expect(chart).to_have_attribute("data-rendered", "true")
        expect(chart.locator("svg").first).to_be_visible()
    shot("dashboard")
    page.locator("#figure-by_unit").scroll_into_view_if_needed()
    shot("by-unit-chart-and-table")

    bureau = user("bureau_approver").memberships.get(role="bureau_approver").organization
    in_scope = Application.objects.filter(
        submitted_at__year=timezone.localdate().year, unit__region__in=region_subtree_ids({bureau.region_id})
    )
    expect(page.locator("#stats-total")).to_have_text(str(in_scope.count()))
    rows = page.locator("#table-by_unit tbody tr")
    shown = {
        rows.nth(i).locator("th").inner_text(): int(rows.nth(i).locator("td").inner_text()) for i in range(rows.count())
    }
    assert shown["昆明市第二中学"] == in_scope.filter(unit=other).count() == 3
    assert shown[demo_unit.name] == in_scope.filter(unit=demo_unit).count()
    state_rows = page.locator("#table-by_state tbody tr")
    by_state = {
        state_rows.nth(i).locator("th").inner_text(): int(state_rows.nth(i).locator("td").inner_text())
        for i in range(state_rows.count())
    }
    assert by_state[str(State.BUREAU_APPROVAL.label)] == in_scope.filter(state=State.BUREAU_APPROVAL).count()

    with page.expect_download() as download:
        page.locator("#export-by_unit-xlsx").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    exported = {name: n for name, n in list(sheet.iter_rows(values_only=True))[2:]}
    assert exported == shown
    assert problems == []
