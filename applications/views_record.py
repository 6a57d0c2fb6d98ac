"""The person's own record (个人业务档案): the sections kept once per person, each edited with
the same row forms as an application's page. Only the signed-in person's own rows are shown."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services as filing
from .sections import RECORD_SECTIONS
from .selectors import record_overview


@login_required
def record(request):
    return render(request, "applications/record.html", {"sections": record_overview(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def record_section(request, key):
    spec = RECORD_SECTIONS.get(key)
    if spec is None:
        raise Http404
    FormSet = spec.formset_class()
    queryset = spec.record_rows(request.user)

    def formset_for(data=None):
        return FormSet(data, queryset=queryset, person=request.user, prefix=spec.key)

    if request.method != "POST":
        return _page(request, spec, formset_for(), show_errors=False)
    data = request.POST.copy()
    posted = FormSet.posted_rows(data, prefix=spec.key)
    if posted is not None and posted > FormSet.absolute_max:
        refused = _("“%(label)s”最多填写%(max)d条，本次提交了%(n)d条，未保存。") % {
            "label": spec.label,
            "max": FormSet.max_num,
            "n": posted,
        }
        return _page(request, spec, formset_for(), show_errors=False, status=400, refused=refused)
    if request.POST.get("action") == "add":
        total_key = f"{spec.key}-TOTAL_FORMS"
        try:
            total = int(data.get(total_key, 0))
        except ValueError:
            return HttpResponseBadRequest()
        data[total_key] = str(min(max(total, 0) + 1, FormSet.max_num))
        return _page(request, spec, formset_for(data), show_errors=False)
    formset = formset_for(data)
    shown = formset.shown_pks()
    if shown != {row.pk for row in formset.get_queryset()}:
        return _changed(request, spec)
    if not formset.is_valid():
        return _page(request, spec, formset, show_errors=True)
    try:
        filing.record_rows_save(person=request.user, formset=formset, shown_pks=shown)
    except filing.RowsChanged:
        return _changed(request, spec)
    messages.success(request, _("“%(label)s”已保存到个人业务档案。") % {"label": spec.label})
    return redirect("record:section", key=spec.key)


def _changed(request, spec):
    messages.warning(
        request,
        _("“%(label)s”在您打开本页后已经保存过，本次提交没有再次保存。请核对已保存的内容。") % {"label": spec.label},
    )
    return redirect("record:section", key=spec.key)


def _page(request, spec, formset, *, show_errors, status=200, refused=""):
    context = {
        "formset": formset,
        "spec": spec,
        "show_errors": show_errors,
        "refused": refused,
        "editable": True,
        "sections": record_overview(request.user) if not request.htmx else None,
    }
    template = "applications/partials/rows_form.html" if request.htmx else "applications/record_section.html"
    return render(request, template, context, status=status)
