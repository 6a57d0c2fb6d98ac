"""Admin changelists that stay usable at a million rows (docs/BENCHMARKS.md, issue 16 item 7).

Django's admin counts the whole table twice per changelist (the paginator's count and the
"N total" link), and a list filter on a plain field runs SELECT DISTINCT over the table. On the
tables that grow with every application (applications, review records, certificates, users,
memberships, audit events) `LargeTableAdmin` drops the full count, estimates the unfiltered count
from PostgreSQL's statistics, and `year_filter` lists the years between the lowest and the highest
(two index look-ups) instead of reading every row.
"""

from functools import cached_property

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

# Below this many rows (by PostgreSQL's estimate) the paginator counts exactly.
ESTIMATE_FROM_ROWS = 100_000
YEAR = _("年度")


class EstimatedCountPaginator(Paginator):
    """Counts a filtered list exactly; the whole table, on PostgreSQL, from pg_class.reltuples
    (kept by autovacuum's ANALYZE) once it is large: exact to a few per cent, and free."""

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                        [queryset.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                if row and row[0] >= ESTIMATE_FROM_ROWS:
                    return row[0]
        return super().count


class LargeTableAdmin(admin.ModelAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False


def year_filter(field_name: str, title=YEAR):
    """A list filter on a year column listing min..max (indexed) instead of SELECT DISTINCT."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = field_name

        def lookups(self, request, model_admin):
            bounds = model_admin.model._default_manager.aggregate(low=Min(field_name), high=Max(field_name))
            if bounds["low"] is None:
                return []
            return [(str(y), str(y)) for y in range(bounds["high"], bounds["low"] - 1, -1)]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit():
                return queryset.filter(**{field_name: int(value)})
            return queryset

    YearFilter.title = title
    return YearFilter
