"""No template carries JavaScript the browser would run inline: a Content-Security-Policy with
script-src 'self' blocks inline <script> bodies, on*="..." handlers and javascript: URLs, so the
page would silently lose the behaviour. Behaviour lives in static/js, wired by data-* attributes."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.S | re.I)
JS_URL = re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def templates():
    return sorted(TEMPLATES.rglob("*.html"))


def inline_problems(text):
    problems = []
    for attrs, body in SCRIPT_TAG.findall(text):
        if "application/json" in attrs:  # data, not code (what json_script renders)
            continue
        if "src=" not in attrs or body.strip():
            problems.append(f"inline <script{attrs}>")
    problems += [f"handler attribute in {m.group(0)[:60]!r}" for m in HANDLER.finditer(text)]
    problems += [f"javascript: URL ({m.group(0)})" for m in JS_URL.finditer(text)]
    return problems


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_inline_javascript(path):
    assert inline_problems(path.read_text()) == []


def test_the_check_catches_each_kind():
    assert inline_problems("<script>alert(1)</script>")
    assert inline_problems('<script src="/a.js">alert(1)</script>')
    assert inline_problems('<select name="x" onchange="this.form.submit()">')
    assert inline_problems('<form\n  method="post" onsubmit="return confirm(1)">')
    assert inline_problems('<a href="javascript:void(0)">')
    assert not inline_problems('<script src="/static/js/portal.js" defer></script>')
    assert not inline_problems('<script id="d" type="application/json">{"a": 1}</script>')
    assert not inline_problems('<button data-confirm="确定？" class="once">')
