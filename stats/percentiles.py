"""Percentiles computed by the database: PostgreSQL's percentile_cont in one GROUP BY; elsewhere
(SQLite) the same continuous percentile from ROW_NUMBER() windows, reading only the one or two
rows around each wanted rank, never the whole column: one query for the counts and one per group."""

import math

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, QuerySet, Window
from django.db.models.functions import RowNumber


class PercentileCont(Aggregate):
    function = "percentile_cont"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def has_percentile_cont() -> bool:
    return connection.vendor == "postgresql"


def _ranks(count: int, fraction: float) -> tuple[int, int, float]:
    """The 1-based ranks whose values percentile_cont interpolates between, and the weight."""
    position = fraction * (count - 1)
    low = math.floor(position)
    return low + 1, math.ceil(position) + 1, position - low


def grouped_percentiles(rows: QuerySet, *, group: str, value: str, fractions) -> dict:
    """{group value: {"n": count, fraction: percentile}} for the non-null `value` of `rows`,
    grouped by the field `group`. A fixed number of queries whatever the number of rows."""
    rows = rows.filter(**{f"{value}__isnull": False}).order_by()
    if has_percentile_cont():
        aggregates = {f"p{i}": PercentileCont(F(value), f) for i, f in enumerate(fractions)}
        found = rows.values(group).annotate(n=Count("pk"), **aggregates)
        return {row[group]: {"n": row["n"], **{f: row[f"p{i}"] for i, f in enumerate(fractions)}} for row in found}
    counts = {row[group]: row["n"] for row in rows.values(group).annotate(n=Count("pk"))}
    if not counts:
        return {}
    ranked = rows.annotate(rank=Window(RowNumber(), partition_by=[F(group)], order_by=[F(value).asc(), F("pk").asc()]))
    values: dict = {}
    # One query per group (the groups are the few review stages): Django filters on a window only
    # in conjunction with other lookups, never across an OR.
    for key, count in counts.items():
        ranks = sorted({rank for f in fractions for rank in _ranks(count, f)[:2]})
        for row in ranked.filter(**{group: key}).filter(rank__in=ranks).values("rank", value):
            values.setdefault(key, {})[row["rank"]] = row[value]
    result = {}
    for key, count in counts.items():
        at = values.get(key, {})
        result[key] = {"n": count}
        for f in fractions:
            low, high, weight = _ranks(count, f)
            result[key][f] = at[low] + (at[high] - at[low]) * weight
    return result
