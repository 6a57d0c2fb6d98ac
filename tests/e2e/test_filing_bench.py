"""How much work filing takes, counted in the browser (docs/BENCHMARKS.md, "Filing effort").

Each journey goes from the login page to a submitted application the way a person would: it
follows the section menu's "未完成" marks (or "保存并继续" where the page offers it), fills only
what is still missing, uploads every required material and submits. A `Tally` counts what the
person does: clicks (buttons, links, radio buttons and check boxes), fields filled (typed, chosen
or a file picked) and full page loads (htmx swaps are not page loads). The figures are written
to test-artifacts/bench_filing.json and printed (counting starts on the home page after login); `pytest -m bench -s tests/e2e/test_filing_bench.py`
shows them.

The same driver runs against whatever the pages are, so the figures before and after a change
to the filing pages are comparable: they count the work the pages ask for, not a script."""

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, State
from tests.e2e.helpers import login
from tests.filing_helpers import pdf_bytes, png_bytes

pytestmark = pytest.mark.bench

RESULTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "bench_filing.json"
SECTION_URL = re.compile(r"/applications/\d+/(section/(?P<key>[\w-]+)|(?P<page>materials|checklist|confirm))/")


@dataclass
class Tally:
    clicks: int = 0
    fields: int = 0
    page_loads: int = 0
    pages: int = 0  # distinct filing pages (sections, materials, checklist, confirmation) visited


class Person:
    """The page, with every action a person takes counted."""

    def __init__(self, page):
        self.page = page
        self.tally = Tally()
        page.on("load", lambda _page: self._loaded())

    def _loaded(self):
        self.tally.page_loads += 1

    def click(self, locator):
        self.tally.clicks += 1
        locator.click()

    def fill(self, selector, value):
        self.tally.fields += 1
        self.page.fill(selector, value)

    def choose(self, selector, label):
        self.tally.fields += 1
        self.page.select_option(selector, label=label)

    def check(self, selector):
        self.tally.clicks += 1
        self.page.check(selector)

    def upload(self, locator, path):
        self.tally.fields += 1
        locator.set_input_files(str(path))


def where(page):
    match = SECTION_URL.search(page.url)
    if not match:
        return ""
    return match.group("key") or match.group("page")


def has(page, selector):
    return page.locator(selector).count() > 0


def ensure_row(person, key, first_field):
    """A rows section with no row yet: click 增加一条 (htmx) and wait for the row."""
    if not has(person.page, f"#id_{key}-0-{first_field}"):
        person.click(person.page.get_by_role("button", name="增加一条"))
        expect(person.page.locator(f"#id_{key}-0-{first_field}")).to_be_visible()


def fill_rows(person, key, values):
    ensure_row(person, key, next(iter(values)))
    for name, value in values.items():
        selector = f"#id_{key}-0-{name}"
        field = person.page.locator(selector)
        if field.input_value():
            continue  # already on record: nothing to type
        if field.evaluate("e => e.tagName") == "SELECT":
            person.choose(selector, value)
        else:
            person.fill(selector, value)


def fill_section(person, key, recipe, tmp_path):
    page = person.page
    if key == "basic":
        for name, value in (("ethnicity", "汉族"), ("work_start_date", "2010-08-01")):
            if not page.locator(f"#id_{name}").input_value():
                person.fill(f"#id_{name}", value)
        if not has(page, "img[alt=证件照]"):
            photo = tmp_path / "photo.png"
            photo.write_bytes(png_bytes())
            person.upload(page.locator("#id_photo_upload"), photo)
        if not page.locator("input[name=wants_express][value='0']").is_checked():
            person.check("input[name=wants_express][value='0']")
    elif key == "current_title":
        title = recipe["current_title"]
        if title is None:
            person.check("input[name=has_title][value=False]")
        else:
            person.check("input[name=has_title][value=True]")
            person.fill("#id_series_name", title["series_name"])
            person.choose("#id_level", title["level"])
            person.fill("#id_title_name", title["title_name"])
            person.fill("#id_obtained_on", title["obtained_on"])
            person.choose("#id_obtained_by", "评审")
    elif key in ("summary", "main_work"):
        person.fill("#id_text", "任现职以来，认真履行岗位职责，承担专业技术工作和教研工作。" * 6)
    elif key == "commitment":
        person.check("#id_confirm")
    else:
        fill_rows(person, key, recipe["rows"][key])


def save_and_go_on(person, key):
    """Save the section and reach the next thing to do: one click where the page offers
    "保存并继续", otherwise 保存 and then the next section the menu marks as 未完成."""
    page = person.page
    go_on = page.get_by_role("button", name="保存并继续")
    if go_on.count():
        person.click(go_on)
        page.wait_for_load_state()
        return
    name = "确认承诺" if key == "commitment" else "保存"
    person.click(page.get_by_role("button", name=name, exact=True))
    expect(page.locator(".messages, .alert.success").first).to_be_visible()
    if where(page) != key:
        return  # the page went on by itself
    missing = page.locator(".app-nav li.missing a")
    person.click(missing.first if missing.count() else page.locator(".app-nav a").filter(has_text="完整性检查与提交"))


def upload_materials(person, tmp_path):
    page = person.page
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes())
    while page.locator(".slot.missing").count():
        slot = page.locator(".slot.missing").first
        person.upload(slot.locator("input[type=file]"), scan)
        person.click(slot.get_by_role("button", name="上传"))
        expect(page.locator(".messages")).to_contain_text("已上传")


def start(person, choices):
    page = person.page
    person.click(page.get_by_role("link", name="开始新的申报"))
    for selector, label in choices:
        expect(page.locator(selector)).to_be_visible()
        with page.expect_navigation():
            person.choose(selector, label)
    for selector in ("#id_title", "#id_committee"):
        if has(page, selector) and page.locator(selector).is_visible() and not page.locator(selector).input_value():
            person.tally.fields += 1
            page.select_option(selector, index=1)
    person.click(page.get_by_role("button", name="创建申报"))
    expect(page.locator(".messages")).to_contain_text("申报已创建")


def file_to_submission(person, recipe, tmp_path):
    """From the first page after creating the application to the submitted state."""
    page = person.page
    seen = set()
    for _step in range(60):
        key = where(page)
        seen.add(key)
        person.tally.pages = len(seen)
        if key == "materials":
            upload_materials(person, tmp_path)
            missing = page.locator(".app-nav li.missing a")
            person.click(missing.first if missing.count() else page.locator(".app-nav a").filter(has_text="完整性检查"))
        elif key == "checklist":
            expect(page.locator("#complete")).to_be_visible()
            if has(page, "#submit-form #id_confirm"):
                person.check("#submit-form #id_confirm")  # items that confirm the commitment at submission
            person.click(page.get_by_role("button", name="提交申报"))
            page.wait_for_load_state()
            if where(page) == "confirm":
                person.tally.pages = len(seen | {"confirm"})
                person.click(page.get_by_role("button", name="确认提交"))
            expect(page.locator(".messages")).to_contain_text("申报已提交")
            return
        elif key == "confirm":
            person.click(page.get_by_role("button", name="确认提交"))
            expect(page.locator(".messages")).to_contain_text("申报已提交")
            return
        else:
            fill_section(person, key, recipe, tmp_path)
            save_and_go_on(person, key)
    raise AssertionError(f"the journey did not reach submission; stuck at {page.url}")


ROWS = {
    "education": {
        "degree": "本科",
        "academic_degree": "学士",
        "school": "云南师范大学",
        "major": "数学与应用数学",
        "start_date": "2006-09-01",
        "graduation_date": "2010-07-01",
        "chsi_code": "ABCD1234EFGH5678",
    },
    "study": {"start_date": "2003-09-01", "end_date": "2006-07-01", "school": "昆明市第一中学", "stage": "高中"},
    "work": {"start_date": "2010-08-01", "employer": "昆明市第一中学", "post": "数学教师"},
    "training": {"total_hours": "90", "public_hours": "30", "provider": "云南省继续教育平台"},
    "assessments": {"result": "优秀"},
}


def recipe(current_title):
    year = str(timezone.localdate().year - 1)
    rows = {**ROWS, "training": {"year": year, **ROWS["training"]}, "assessments": {"year": year, "result": "优秀"}}
    return {"current_title": current_title, "rows": rows}


def record(name, tally):
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[name] = asdict(tally)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\n{name}: {tally.clicks} clicks, {tally.fields} fields, {tally.page_loads} page loads, {tally.pages} pages")


def test_effort_of_initial_recognition_then_a_second_application(page, site, demo, tmp_path):
    applicant = demo["applicant"]
    login(page, site, applicant.mobile)
    person = Person(page)
    start(
        person,
        [("#id_item", "初、中级专业技术人才初次职称认定"), ("#id_series", "中小学教师"), ("#id_level", "助理级")],
    )
    file_to_submission(person, recipe(None), tmp_path)
    first = Application.objects.get(applicant__mobile=applicant.mobile)
    assert first.state != State.DRAFT
    record("initial_recognition", person.tally)

    # The same person, a second application: an evaluation for a higher title.
    second = Person(page)
    second.click(page.get_by_role("link", name="我的工作台"))
    start(second, [("#id_item", "职称评审"), ("#id_series", "中小学教师"), ("#id_level", "副高级")])
    title = {"series_name": "中小学教师", "level": "中级", "title_name": "一级教师", "obtained_on": "2015-09-01"}
    file_to_submission(second, recipe(title), tmp_path)
    assert Application.objects.filter(applicant__mobile=applicant.mobile).exclude(state=State.DRAFT).count() == 2
    record("second_application", second.tally)
    assert person.tally.page_loads > 0 and second.tally.fields > 0


def test_effort_of_an_evaluation(page, site, demo, tmp_path):
    applicant = demo["applicant"]
    login(page, site, applicant.mobile)
    person = Person(page)
    start(person, [("#id_item", "职称评审"), ("#id_series", "中小学教师"), ("#id_level", "副高级")])
    title = {"series_name": "中小学教师", "level": "中级", "title_name": "一级教师", "obtained_on": "2015-09-01"}
    file_to_submission(person, recipe(title), tmp_path)
    assert Application.objects.get(applicant__mobile=applicant.mobile).state != State.DRAFT
    record("evaluation", person.tally)
