"""Series obtained only by a unified exam (以考代评) where the applicant's unit is: the refusal
for a whole series, and for a speciality of a series (portal.catalog ExamOnlySeries) matched
against the speciality the applicant names at the start (申报专业). The start page shows both
(and notes which specialities are exam-only); starting and submitting refuse either."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.catalog.models import ExamOnlySeries, Item, Level, Series
from portal.catalog.selectors import exam_only_rules
from portal.organizations.scope import region_chain
from portal.organizations.selectors import applicant_unit


def _rows(*, item: Item, series: Series, level: Level, unit) -> list[ExamOnlySeries]:
    if unit is None or series is None or level is None or item is None:
        return []
    return exam_only_rules(item=item, series=series, level=level, region_ids=region_chain(unit.region))


def _where(row: ExamOnlySeries) -> str:
    return row.region.name if row.region_id else _("国家")


def exam_only_refusal(*, item: Item, series: Series, level: Level, unit) -> str:
    """Why this series cannot be applied for by this item here ("" when it can)."""
    row = next((r for r in _rows(item=item, series=series, level=level, unit=unit) if not r.speciality), None)
    if row is None:
        return ""
    return _(
        "%(where)s规定：%(series)s系列%(level)s职称实行全国或本地统一考试（以考代评），只能通过考试取得，"
        "不能通过“%(item)s”取得。依据：%(source)s"
    ) % {
        "where": _where(row),
        "series": series.name,
        "level": level.name,
        "item": item.short_name,
        "source": row.source,
    }


def exam_only_notes(*, item: Item, series: Series, level: Level, unit) -> list[str]:
    """Specialities of this series that only an exam gives here (the application does not name
    its speciality, so the applicant is told rather than refused)."""
    rows = [r for r in _rows(item=item, series=series, level=level, unit=unit) if r.speciality]
    if not rows:
        return []
    return [
        _(
            "%(where)s规定：%(series)s系列中的%(specialities)s专业实行统一考试，不能通过“%(item)s”取得；"
            "从事这些专业的请报名参加考试。依据：%(source)s"
        )
        % {
            "where": _where(rows[0]),
            "series": series.name,
            "specialities": "、".join(r.speciality for r in rows),
            "item": item.short_name,
            "source": rows[0].source,
        }
    ]


def _speciality_rows(*, item, series, level, unit) -> list[ExamOnlySeries]:
    return [r for r in _rows(item=item, series=series, level=level, unit=unit) if r.speciality]


def speciality_refusal(*, item: Item, series: Series, level: Level, unit, speciality: str) -> str:
    """Why this speciality cannot be obtained by this item here ("" when it can). A rule's
    speciality covers the named ones that contain it (计算机 covers 计算机应用技术)."""
    speciality = (speciality or "").strip()
    if not speciality:
        return ""
    rows = _speciality_rows(item=item, series=series, level=level, unit=unit)
    row = next((r for r in rows if r.speciality in speciality), None)
    if row is None:
        return ""
    return _(
        "%(where)s规定：%(series)s系列中的%(speciality)s专业实行全国或本地统一考试（以考代评），只能通过考试取得，"
        "不能通过“%(item)s”取得。依据：%(source)s"
    ) % {
        "where": _where(row),
        "series": series.name,
        "speciality": row.speciality,
        "item": item.short_name,
        "source": row.source,
    }


def speciality_missing(*, item: Item, series: Series, level: Level, unit, speciality: str) -> str:
    """Where some specialities of the series are exam-only, the applicant must name theirs."""
    if (speciality or "").strip():
        return ""
    rows = _speciality_rows(item=item, series=series, level=level, unit=unit)
    if not rows:
        return ""
    return _("请填写申报专业：%(where)s规定%(series)s系列中的%(specialities)s专业只能通过考试取得。") % {
        "where": _where(rows[0]),
        "series": series.name,
        "specialities": "、".join(r.speciality for r in rows),
    }


def exam_only_at_start(*, user, item: Item, series: Series, level: Level) -> dict:
    """What the start page says for the applicant's unit: {"refusal": str, "notes": [str]}."""
    unit = applicant_unit(user)
    return {
        "refusal": exam_only_refusal(item=item, series=series, level=level, unit=unit),
        "notes": exam_only_notes(item=item, series=series, level=level, unit=unit),
    }
