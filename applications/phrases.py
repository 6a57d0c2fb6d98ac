"""Sentences the portal stores and shows later, kept as a code and parameters, never as text.

An eligibility verdict is stored with the application at submission and read months later, in
Chinese or English. So a reason is stored as ``{"code": "title_low", "params": {...}}`` and
rendered in the reader's language at display. A parameter is plain data (a name, a number), a
nested phrase, a list of phrases to join, or a typed value rendered per language:
``{"date": "2026-12-31"}``, ``{"month": "2019-07-01"}``, ``{"degree": 4}``.
"""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .models import Education

MESSAGES = {
    # a rule's verdict
    "verdict_pass": gettext_lazy("【%(rule)s】符合。%(reasons)s"),
    "verdict_fail": gettext_lazy("【%(rule)s】不符合。%(reasons)s"),
    "verdict_pass_source": gettext_lazy("【%(rule)s】符合。%(reasons)s（依据：%(source)s）"),
    "verdict_fail_source": gettext_lazy("【%(rule)s】不符合。%(reasons)s（依据：%(source)s）"),
    # education
    "req_degree": gettext_lazy("%(degree)s及以上学历"),
    "req_years_after_degree": gettext_lazy("毕业后从事专业技术工作满%(years)s年"),
    "requirement": gettext_lazy("要求%(parts)s"),
    "fact_highest": gettext_lazy("最高学历为%(degree)s（%(month)s毕业）"),
    "fact_holds": gettext_lazy("具有%(degree)s学历（%(month)s毕业）"),
    "fact_years_since": gettext_lazy("%(fact)s，毕业后截至%(cutoff)s满%(years)s年"),
    "edu_missing": gettext_lazy("未填写学历信息，%(requirement)s：不符合。"),
    "edu_graduated_late": gettext_lazy("%(fact)s，毕业时间晚于%(cutoff)s，%(requirement)s：不符合。"),
    "edu_pass": gettext_lazy("%(fact)s，%(requirement)s：符合。"),
    "edu_fail": gettext_lazy("%(fact)s，%(requirement)s：不符合。"),
    # current title
    "req_title_years": gettext_lazy("要求任%(level)s满%(years)s年"),
    "req_title": gettext_lazy("要求具有%(level)s职称"),
    "title_missing": gettext_lazy("%(requirement)s，您尚未填写现有职称：不符合。"),
    "title_low": gettext_lazy("%(requirement)s，您现有职称为%(level)s：不符合。"),
    "title_no_date": gettext_lazy("%(requirement)s，您未填写取得%(level)s职称的时间：不符合。"),
    "title_late": gettext_lazy("%(requirement)s，您取得%(level)s职称的时间晚于%(cutoff)s：不符合。"),
    "title_pass": gettext_lazy("%(requirement)s，您于%(month)s取得%(level)s职称，截至%(cutoff)s满%(years)s年：符合。"),
    "title_fail": gettext_lazy(
        "%(requirement)s，您于%(month)s取得%(level)s职称，截至%(cutoff)s满%(years)s年：不符合。"
    ),
    "exam_series": gettext_lazy("%(series)s：该系列实行全国统一考试，不能通过考核认定取得。"),
    "no_requirements": gettext_lazy("本规则没有学历和任职年限要求。"),
    # continuing education
    "train_req": gettext_lazy("每年不少于%(hours)s学时"),
    "train_req_public": gettext_lazy("每年不少于%(hours)s学时，其中公需科目不少于%(public)s学时"),
    "train_no_years": gettext_lazy("参加工作后尚无完整年度，暂不考查继续教育学时（要求%(requirement)s）。"),
    "train_missing": gettext_lazy("%(year)s年未填写继续教育记录，要求%(requirement)s：不足。"),
    "train_short": gettext_lazy("%(year)s年继续教育%(hours)s学时，要求不少于%(needed)s学时：不足。"),
    "train_public_short": gettext_lazy(
        "%(year)s年公需科目%(hours)s学时，要求不少于%(needed)s学时（%(percent)s%%）：不足。"
    ),
    "train_pass_year": gettext_lazy("%(year)s年每年继续教育学时均符合要求（%(requirement)s）。"),
    "train_pass_span": gettext_lazy("%(first)s—%(last)s年每年继续教育学时均符合要求（%(requirement)s）。"),
    # the whole result
    "no_rules": gettext_lazy("本事项在您所在地区没有设定资格规则"),
    "qualifies_by": gettext_lazy("符合申报条件：%(rule)s。"),
    "advisory_fail": gettext_lazy(
        "您不符合本地区%(level)s的任一申报条件（截至%(cutoff)s），"
        "这些条件仅作提示，不影响提交，请与单位或主管部门核实。"
    ),
}

JOINERS = {"and": gettext_lazy("且")}


def phrase(code: str, **params) -> dict:
    if code not in MESSAGES:
        raise KeyError(f"unknown phrase {code!r}")
    return {"code": code, "params": params}


def joined(parts: list, joiner: str = "and") -> dict:
    return {"join": parts, "with": joiner}


def day(value: date) -> dict:
    return {"date": value.isoformat()}


def month(value: date) -> dict:
    return {"month": value.isoformat()}


def degree(value: int) -> dict:
    return {"degree": int(value)}


def _chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def render_value(value) -> str:
    if isinstance(value, dict):
        if "code" in value:
            return render(value)
        if "join" in value:
            return str(JOINERS.get(value.get("with"), "")).join(render_value(v) for v in value["join"])
        if "date" in value:
            moment = date.fromisoformat(value["date"])
            return f"{moment.year}年{moment.month}月{moment.day}日" if _chinese() else date_format(moment, "j F Y")
        if "month" in value:
            moment = date.fromisoformat(value["month"])
            return f"{moment.year}年{moment.month}月" if _chinese() else date_format(moment, "F Y")
        if "degree" in value:
            try:
                return str(Education.Degree(value["degree"]).label)
            except ValueError:
                return str(value["degree"])
    return str(value)


def render(stored) -> str:
    """A stored phrase in the active language; a plain string (stored before phrases) as it is."""
    if isinstance(stored, str):
        return stored
    if not isinstance(stored, dict) or stored.get("code") not in MESSAGES:
        return _("（无法显示的说明）")
    params = {name: render_value(value) for name, value in (stored.get("params") or {}).items()}
    try:
        return str(MESSAGES[stored["code"]]) % params
    except (KeyError, TypeError, ValueError):
        return str(MESSAGES[stored["code"]])
