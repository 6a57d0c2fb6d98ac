"""pytest plugin: every page a browser test visits is checked with axe-core, and the test fails on
a serious or critical violation. Loaded by tests/conftest.py.

How: every browser context a test opens (``page``, ``context``, ``browser.new_page()``) gets an
init script that, in the top frame of each HTML document, sends the document as parsed
(DOMContentLoaded) and again after every htmx swap to Python. After the test body passed, each
distinct snapshot (plus the final state of every open page) is opened again in a context of its
own at its own URL, with the live server's stylesheets, images and fonts but no scripts, and
axe-core (tests/e2e/vendor/axe-core) runs on it.

Checking snapshots afterwards, rather than the live page while the test drives it, keeps the
check deterministic: a test that clicks on before axe has finished cannot lose a page, and the
test's own timing is unchanged.

A failure lists, per rule: its id, impact and help text, the page and the offending elements.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[1] / "e2e" / "vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
BINDING = "__a11ySnapshot"

SNAPSHOT_SCRIPT = f"""
(() => {{
  if (window.top !== window) return;
  const send = () => {{
    if (document.contentType !== "text/html" || !document.documentElement) return;
    const doctype = document.doctype ? "<!DOCTYPE html>" : "";
    try {{ window.{BINDING}(location.href, doctype + document.documentElement.outerHTML); }} catch (e) {{}}
  }};
  document.addEventListener("DOMContentLoaded", send);
  document.addEventListener("htmx:afterSettle", send);
}})();
"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
  }));
}"""

# A fresh CSRF token is masked differently on every render; it says nothing about accessibility.
_VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*')


@dataclass
class Snapshot:
    url: str
    html: str


@dataclass
class AxeAudit:
    browser: object
    snapshots: dict[str, Snapshot] = field(default_factory=dict)
    contexts: list = field(default_factory=list)

    def watch(self, context) -> None:
        if context in self.contexts:
            return
        self.contexts.append(context)
        context.expose_binding(BINDING, lambda source, url, html: self.keep(url, html))
        context.add_init_script(SNAPSHOT_SCRIPT)

    def keep(self, url: str, html: str) -> None:
        url = url.split("#", 1)[0]
        if not url.startswith("http"):
            return
        stable = _VOLATILE.sub(r"\1", html)
        key = hashlib.sha256(f"{url}\n{stable}".encode()).hexdigest()
        self.snapshots.setdefault(key, Snapshot(url, html))

    def keep_open_pages(self) -> None:
        for context in self.contexts:
            for page in context.pages:
                if page.is_closed() or not page.url.startswith("http"):
                    continue
                try:
                    if page.evaluate("document.contentType") != "text/html":
                        continue
                    self.keep(page.url, "<!DOCTYPE html>" + page.evaluate("document.documentElement.outerHTML"))
                except Exception:  # noqa: BLE001 - a page mid-navigation or crashed has nothing to check
                    continue

    def violations(self) -> list[tuple[Snapshot, dict]]:
        if not self.snapshots:
            return []
        axe = AXE_JS.read_text()
        found = []
        # The class's method, not the one the fixture wraps: the audit's own context is not watched.
        context = type(self.browser).new_context(self.browser, locale="zh-CN", viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            for snapshot in list(self.snapshots.values()):
                found += [(snapshot, v) for v in _check(page, snapshot, axe) if v["impact"] in FAILING_IMPACTS]
        finally:
            context.close()
        return found


def _check(page, snapshot: Snapshot, axe: str) -> list[dict]:
    def serve(route, request):
        if request.is_navigation_request():
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=snapshot.html)
        elif request.resource_type in ("stylesheet", "image", "font"):
            route.continue_()
        else:  # scripts and htmx requests: the snapshot is checked as it was, nothing runs on it
            route.abort()

    page.route("**/*", serve)
    try:
        page.goto(snapshot.url, wait_until="load")
        page.evaluate(axe)
        return page.evaluate(AXE_RUN)
    finally:
        page.unroute("**/*", serve)


def report(found: list[tuple[Snapshot, dict]]) -> str:
    by_rule: dict[str, list[tuple[Snapshot, dict]]] = {}
    for snapshot, violation in found:
        by_rule.setdefault(violation["id"], []).append((snapshot, violation))
    lines = [f"axe-core found {len(by_rule)} serious or critical accessibility rule(s) broken:"]
    for rule, hits in sorted(by_rule.items()):
        first = hits[0][1]
        lines.append(f"\n[{first['impact']}] {rule}: {first['help']} ({first['helpUrl']})")
        seen = set()
        for snapshot, violation in hits:
            for node in violation["nodes"]:
                key = (snapshot.url, node["target"])
                if key in seen:
                    continue
                seen.add(key)
                lines.append(f"  {snapshot.url}  {node['target']}")
                lines.append(f"      {node['html'][:200]}")
                if node.get("summary"):
                    lines.append("      " + node["summary"].replace("\n", "\n      ")[:400])
    return "\n".join(lines)


@pytest.fixture(autouse=True)
def axe_audit(request, monkeypatch):
    """For browser tests: watches every context the test opens (see the module docstring)."""
    if "browser" not in request.fixturenames:
        yield None
        return
    browser = request.getfixturevalue("browser")
    audit = AxeAudit(browser)
    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        audit.watch(context)
        return context

    def watched_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        audit.watch(page.context)
        return page

    monkeypatch.setattr(browser, "new_context", watched_context)
    monkeypatch.setattr(browser, "new_page", watched_page)
    request.node.axe_audit = audit
    yield audit


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield  # a failing test body raises here: its own failure is the one to show
    audit = getattr(item, "axe_audit", None)
    if audit is not None:
        audit.keep_open_pages()
        found = audit.violations()
        checked = sorted({snapshot.url for snapshot in audit.snapshots.values()})
        item.add_report_section(
            "call", "axe-core", f"{len(audit.snapshots)} snapshots of {len(checked)} pages:\n" + "\n".join(checked)
        )
        if found:
            pytest.fail(report(found), pytrace=False)
    return result
