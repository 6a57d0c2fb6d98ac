"""Chinese by default, English through Django i18n (LocaleMiddleware + the set_language view).

The msgids are the Chinese texts themselves; locale/en/LC_MESSAGES/django.po holds the English.
Besides the pages, the catalogue itself is checked: complete, no fuzzy entries, placeholders
kept, the committed .mo in step with the .po, and every literal marked in the source present.
"""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from home.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f“”]")
# The language switch names each language in its own language.
LANGUAGE_NAMES = ("简体中文",)

# url name -> (Chinese heading, English heading)
PAGES = {
    "home:home": ("职称申报办事指南", "Professional Title Application Guide"),
    "accounts:login": ("登录", "Sign in"),
    "home:committees": ("评审委员会目录", "Evaluation Committee Directory"),
    "people:register": ("个人注册", "Individual registration"),
    "organizations:unit_register": ("单位注册", "Unit registration"),
}

# Texts of the shared layout (header, footer), per language.
LAYOUT_ZH = ["职称申报服务平台", "办事指南", "评委会目录", "职称系列", "咨询电话"]
LAYOUT_EN = [
    "Professional Title Application Portal",
    "Service guide",
    "Committee directory",
    "Title series",
    "Enquiry hotlines",
    "Open-source software",
]

# A few page-specific texts, per language.
PAGE_TEXTS = {
    "home:home": (
        ["办理事项与流程", "申报须知", "单位公示不少于5个工作日"],
        ["Service items and workflows", "Before you apply", "The unit public notice lasts at least 5 working days"],
    ),
    "accounts:login": (
        ["身份证号码或手机号码", "忘记密码？", "没有账号？个人注册"],
        ["ID card number or mobile number", "Forgot your password?", "No account? Register as an individual"],
    ),
    "home:committees": (
        ["名称或评审范围", "全部系列", "全部层级", "组建单位"],
        ["Name or evaluation scope", "All series", "All levels", "Organizing body", "evaluation committees in total"],
    ),
    "people:register": (
        ["工作单位", "18位居民身份证号码，注册后不可修改。", "确认密码"],
        ["Employer", "Your 18-character resident ID card number", "Confirm password"],
    ),
    "organizations:unit_register": (
        ["统一社会信用代码", "所在地区（统筹区）", "经办人姓名", "提交注册"],
        ["Unified social credit code", "Region (pooling area)", "HR officer’s name", "Submit registration"],
    ),
}


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def choose_language(client, code: str, next_url: str = "/"):
    response = client.post(reverse("set_language"), {"language": code, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return response


def stray_chinese(text: str) -> list[str]:
    """Runs of Chinese characters in the page other than the language names of the switch."""
    for name in LANGUAGE_NAMES:
        text = text.replace(name, "")
    return re.findall(r"[\u3400-\u9fff][^<>\"]{0,20}", text)


# --- the pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_chinese_by_default(client, catalog, name):
    content = html(client.get(reverse(name)))
    zh_heading, en_heading = PAGES[name]
    assert 'lang="zh-CN"' in content
    assert f"<h1>{zh_heading}</h1>" in content
    assert en_heading not in content
    for text in LAYOUT_ZH + PAGE_TEXTS[name][0]:
        assert text in content, text
    for text in LAYOUT_EN + PAGE_TEXTS[name][1]:
        assert text not in content, text


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_english_after_choosing_english(client, catalog, name):
    url = reverse(name)
    choose_language(client, "en", url)
    content = html(client.get(url))
    zh_heading, en_heading = PAGES[name]
    assert 'lang="en"' in content
    assert 'lang="zh-CN"' not in content
    assert f"<h1>{en_heading}</h1>" in content
    assert re.search(r"<title>[^<>]* · Professional Title Application Portal</title>", content)
    assert zh_heading not in content
    for text in LAYOUT_EN + PAGE_TEXTS[name][1]:
        assert text in content, text
    for text in LAYOUT_ZH + PAGE_TEXTS[name][0]:
        assert text not in content, text


@pytest.mark.parametrize("name", ["accounts:login", "people:register"])
def test_pages_without_data_have_no_chinese_left_in_english(client, catalog, name):
    """These pages show no catalogue data, so any Chinese left is an untranslated string."""
    url = reverse(name)
    choose_language(client, "en", url)
    assert stray_chinese(html(client.get(url))) == []


def test_committee_directory_counts_in_english(client, catalog):
    from portal.catalog.models import Committee

    total = Committee.objects.filter(is_active=True).count()
    choose_language(client, "en", reverse("home:committees"))
    content = html(client.get(reverse("home:committees")))
    assert f"{total} evaluation committees in total; {total} match the criteria." in content
    assert "共 " not in content
    # The review month is translated around its number.
    if Committee.objects.filter(is_active=True, review_month__isnull=False).exists():
        assert "By the end of month" in content
        assert "月底前" not in content


def test_switching_back_to_chinese(client, catalog):
    home = reverse("home:home")
    choose_language(client, "en", home)
    assert "Professional Title Application Guide" in html(client.get(home))

    choose_language(client, "zh-hans", home)
    content = html(client.get(home))
    assert 'lang="zh-CN"' in content
    assert "<h1>职称申报办事指南</h1>" in content
    assert "Professional Title Application Guide" not in content
    assert "Service guide" not in content


def test_choice_persists_across_pages(client, catalog):
    choose_language(client, "en", reverse("home:home"))
    for name in PAGES:
        assert 'lang="en"' in html(client.get(reverse(name))), name


def test_accept_language_english_without_a_choice(client, catalog):
    content = html(client.get(reverse("home:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert 'lang="en"' in content
    assert "Professional Title Application Guide" in content


# --- form errors and messages ----------------------------------------------------------------------


def test_wrong_password_error_in_chinese_by_default(client, demo):
    response = client.post(
        reverse("accounts:login"), {"username": demo["applicant"].mobile, "password": "wrong-password"}
    )
    content = html(response)
    assert "账号或密码不正确。连续输错3次将锁定账号。" in content


def test_wrong_password_error_in_english(client, demo, settings):
    choose_language(client, "en", reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"username": demo["applicant"].mobile, "password": "wrong-password"}
    )
    content = html(response)
    limit = settings.AXES_FAILURE_LIMIT
    assert (
        f"Incorrect account or password. The account will be locked after {limit} consecutive failed attempts."
        in content
    )
    assert "账号或密码不正确" not in content
    assert "<h1>Sign in</h1>" in content


def test_registration_errors_in_english(client, catalog):
    choose_language(client, "en", reverse("people:register"))
    response = client.post(
        reverse("people:register"),
        {
            "real_name": "Zhang",
            "id_number": "110101199003077771",  # wrong check digit
            "mobile": "12345",
            "unit": "No such unit",
            "password1": "Zhicheng@2026",
            "password2": "Zhicheng@2027",
        },
    )
    content = html(response)
    assert "The check digit of the ID card number is incorrect." in content
    assert "Please enter an 11-digit mainland China mobile number" in content
    assert "Unit not found." in content
    assert "The two passwords do not match." in content
    assert stray_chinese(content) == []


def test_required_field_errors_use_djangos_english(client, catalog):
    choose_language(client, "en", reverse("people:register"))
    content = html(client.post(reverse("people:register"), {"email": ""}))
    assert "This field is required." in content
    assert "这个字段是必填项" not in content


def test_successful_login_lands_on_an_english_dashboard(client, demo):
    choose_language(client, "en", reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"username": demo["applicant"].mobile, "password": DEMO_PASSWORD}, follow=True
    )
    content = html(response)
    assert "My workspace" in content
    assert "My applications" in content
    assert "Sign out" in content
    assert "我的工作台" not in content


# --- the catalogue ---------------------------------------------------------------------------------


def _unquote(segment: str) -> str:
    body = segment.strip()
    assert body.startswith('"') and body.endswith('"'), segment
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body[1:-1])


def read_po(path: Path = PO) -> list[dict]:
    """A small .po reader: each entry's flags, msgid, msgid_plural and msgstr / msgstr[n]."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line]
        if not lines or all(line.startswith("#") for line in lines):
            continue  # obsolete (#~) or comment-only
        entry: dict = {"flags": set(), "obsolete": False}
        key = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            else:
                match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)\s+(\".*\")$", line)
                if match:
                    key = match.group(1)
                    entry[key] = _unquote(match.group(2))
                else:
                    entry[key] += _unquote(line)
        entries.append(entry)
    return entries


def translations(entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return [value for key, value in sorted(entry.items()) if key.startswith("msgstr[")]
    return [entry["msgstr"]]


def test_po_header():
    header = next(e for e in read_po() if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]


def test_po_is_complete_and_not_fuzzy():
    entries = [e for e in read_po() if e["msgid"] != ""]
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not all(t.strip() for t in translations(e))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    plural = [e for e in entries if "msgid_plural" in e]
    assert plural and all(len(translations(e)) == 2 for e in plural)


def test_translations_are_english_and_keep_placeholders():
    placeholder = re.compile(r"%\([a-z_]+\)[sdif]|%[sd]")
    for entry in read_po():
        if entry["msgid"] == "":
            continue
        expected = sorted(placeholder.findall(entry["msgid"]))
        for text in translations(entry):
            assert sorted(placeholder.findall(text)) == expected, (entry["msgid"], text)
            # Chinese may only remain in quoted proper names, never in the English text.
            assert not re.search(r"[\u3400-\u9fff]", text), (entry["msgid"], text)


@pytest.mark.skipif(not shutil.which("msgattrib"), reason="gettext (msgattrib) is not installed")
def test_msgattrib_finds_nothing_untranslated_or_fuzzy():
    for option in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", option, "--no-obsolete", str(PO)], capture_output=True, text=True, check=True
        )
        # msgattrib always prints the header; nothing else may follow it.
        blocks = result.stdout.strip().split("\n\n")
        body = [block for block in blocks if block.strip() and 'msgid ""\nmsgstr ""' not in block]
        assert body == [], option


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext (msgfmt) is not installed")
def test_msgfmt_check_passes():
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(PO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_committed_mo_matches_po():
    """The .mo Django loads must hold exactly what the .po says (run compilemessages after editing)."""
    assert MO.exists(), "run: manage.py compilemessages --ignore=.venv"
    with MO.open("rb") as handle:
        catalog = gnu_gettext.GNUTranslations(handle)._catalog
    for entry in read_po():
        if entry["msgid"] == "":
            continue
        if "msgid_plural" in entry:
            for index, text in enumerate(translations(entry)):
                assert catalog.get((entry["msgid"], index)) == text, entry["msgid"]
        else:
            assert catalog.get(entry["msgid"]) == entry["msgstr"], entry["msgid"]


# Literal strings marked in the source must all be in the catalogue (re-run makemessages otherwise).
SOURCE_DIRS = ["portal", "applications", "reviews", "certificates", "templates"]
TEMPLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(?:"([^"]*)"|'([^']*)')(?P<rest>[^%]*)%\}""")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy"}


def marked_literals():
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if "migrations" in path.parts:
                continue
            if path.suffix == ".html":
                for match in TEMPLATE_TAG.finditer(path.read_text(encoding="utf-8")):
                    if "context" in match.group("rest") or "noop" in match.group("rest"):
                        continue
                    yield path, match.group(1) if match.group(1) is not None else match.group(2)
            elif path.suffix == ".py":
                tree = ast.parse(path.read_text(encoding="utf-8"))
                for node in ast.walk(tree):
                    if (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Name | ast.Attribute)
                        and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) in GETTEXT_NAMES
                        and len(node.args) == 1
                        and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)
                    ):
                        yield path, node.args[0].value


def test_every_marked_literal_is_in_the_catalogue():
    msgids = {e["msgid"] for e in read_po()}
    missing = sorted(
        {
            f"{path.relative_to(ROOT)}: {text}"
            for path, text in marked_literals()
            if CJK.search(text) and text not in msgids
        }
    )
    assert missing == [], "run makemessages -l en and translate:\n" + "\n".join(missing)
