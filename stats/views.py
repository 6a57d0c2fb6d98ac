"""The statistics dashboard and its tables' exports. Scoped as the reviewer's queue is, and for
a committee office to its committees (stats/scope.py); anyone without a bureau, department or
committee-office membership gets a 404, as for any page that is not theirs."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import exports, selectors
from .forms import PeriodForm


def _allowed_or_404(user) -> None:
    if not selectors.can_see_statistics(user):
        raise Http404


def _caption(period) -> str:
    return _("统计期间：%(start)s 至 %(end)s") % {"start": period.start.isoformat(), "end": period.end.isoformat()}


@login_required
def dashboard(request):
    _allowed_or_404(request.user)
    form = PeriodForm(request.GET or None)
    period = form.period()
    tables = selectors.dashboard_tables(request.user, period)
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "period": period,
            "caption": _caption(period),
            "total": selectors.total_submitted(request.user, period),
            "tables": tables,
            "charts": [table.as_chart_data() for table in tables],
            "query": request.GET.urlencode(),
        },
    )


@login_required
def export(request, key, fmt):
    _allowed_or_404(request.user)
    period = PeriodForm(request.GET or None).period()
    table = selectors.one_table(request.user, period, key)
    if table is None or fmt not in ("xlsx", "csv"):
        raise Http404
    caption = _caption(period)
    if fmt == "xlsx":
        response = HttpResponse(exports.table_xlsx(table, caption=caption), content_type=exports.XLSX)
    else:
        response = HttpResponse(exports.table_csv(table, caption=caption), content_type=exports.CSV)
    name = f"{table.title}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
