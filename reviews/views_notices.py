"""Pages of the unit public notice: the HR officer's notices (list, publish, detail, result) and
the public list of running notices. Thin: parse, call one service in reviews.notices, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.forms import add_validation_errors

from . import notices as services
from .forms import NoticeConcludeForm, NoticeCorrectForm, NoticeOpenForm, NoticeWithdrawForm
from .models import NoticeResult

PUBLIC_PAGE_SIZE = 10
_PERIOD_FIELDS = ("start_date", "working_days")


def _units_or_404(request):
    units = services.officer_units(request.user)
    if not units:
        raise Http404
    return units


def _chosen_unit(units, value):
    if value in (None, ""):
        return units[0]
    unit = next((u for u in units if str(u.pk) == str(value)), None)
    if unit is None:
        raise Http404
    return unit


def _render_list(request, *, unit, units, form, status=200, preview=None):
    context = {
        "preview": preview,
        "unit": unit,
        "units": units,
        "form": form,
        "awaiting": list(form.fields["applications"].queryset),
        "selected": form.selected_ids(),
        "notices": services.unit_notices(unit),
        "today": timezone.localdate(),
        "min_days": settings.NOTICE_MIN_WORKING_DAYS,
    }
    return render(request, "reviews/notice_list.html", context, status=status)


@login_required
def notice_list(request):
    units = _units_or_404(request)
    unit = _chosen_unit(units, request.GET.get("unit"))
    form = NoticeOpenForm(unit=unit, user=request.user)
    return _render_list(request, unit=unit, units=units, form=form)


@login_required
@require_POST
def notice_create(request):
    units = _units_or_404(request)
    unit = _chosen_unit(units, request.POST.get("unit"))
    form = NoticeOpenForm(request.POST, unit=unit, user=request.user)
    if "preview" in request.POST:
        return _preview(request, unit=unit, units=units, form=form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_open(
                unit=unit,
                user=request.user,
                applications=data["applications"],
                title=data["title"],
                content=data["content"],
                contact_person=data["contact_person"],
                phone=data["phone"],
                start_date=data["start_date"],
                working_days=data["working_days"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("公示已发布，公示期 %(start)s 至 %(end)s（%(days)s个工作日）。")
                % {
                    "start": notice.start_date.isoformat(),
                    "end": notice.end_date.isoformat(),
                    "days": notice.working_days,
                },
            )
            return redirect("reviews:notice_detail", pk=notice.pk)
    return _render_list(request, unit=unit, units=units, form=form, status=400)


def _preview(request, *, unit, units, form):
    """The end date the notice would get, shown on the form before publishing; nothing saved.
    Only the period's fields are checked here; the rest are checked on publishing."""
    form.is_valid()
    for name in [name for name in form.errors if name not in _PERIOD_FIELDS]:
        del form.errors[name]
    preview = None
    if not form.errors:
        try:
            preview = services.notice_preview(
                start_date=form.cleaned_data["start_date"], working_days=form.cleaned_data["working_days"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
    return _render_list(request, unit=unit, units=units, form=form, preview=preview, status=200 if preview else 400)


def _notice_or_404(request, pk):
    notice = services.notice_for_officer(request.user, pk)
    if notice is None:
        raise Http404
    return notice


def _render_detail(request, notice, form=None, status=200, *, correct_form=None, withdraw_form=None):
    today = timezone.localdate()
    can_conclude = notice.result == NoticeResult.PENDING and notice.has_ended(today)
    if can_conclude and form is None:
        form = NoticeConcludeForm(notice=notice)
    can_change = notice.is_open and not notice.has_ended(today)
    if can_change:
        correct_form = correct_form or NoticeCorrectForm(notice=notice, prefix="correct")
        withdraw_form = withdraw_form or NoticeWithdrawForm(prefix="withdraw")
    upheld = (
        set(notice.objections.values_list("pk", flat=True))
        if notice.result not in (NoticeResult.PENDING, NoticeResult.WITHDRAWN)
        else set()
    )
    return render(
        request,
        "reviews/notice_detail.html",
        {
            "notice": notice,
            "form": form if can_conclude else None,
            "today": today,
            "upheld": upheld,
            "correct_form": correct_form if can_change else None,
            "withdraw_form": withdraw_form if notice.is_open else None,
            "changes": notice.changes.select_related("changed_by"),
            "min_days": settings.NOTICE_MIN_WORKING_DAYS,
        },
        status=status,
    )


@login_required
def notice_detail(request, pk):
    return _render_detail(request, _notice_or_404(request, pk))


@login_required
@require_POST
def notice_conclude(request, pk):
    notice = _notice_or_404(request, pk)
    form = NoticeConcludeForm(request.POST, notice=notice)
    if form.is_valid():
        try:
            services.notice_conclude(
                notice=notice,
                user=request.user,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
                objections=form.cleaned_data["objections"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Refused as a whole (too early, already recorded): say so on the notice page.
                messages.error(request, " ".join(error.messages))
                return redirect("reviews:notice_detail", pk=notice.pk)
            add_validation_errors(form, error)
        else:
            messages.success(request, _("已登记公示结果。"))
            return redirect("reviews:notice_detail", pk=notice.pk)
    return _render_detail(request, notice, form, status=400)


def _refused_as_a_whole(request, notice, error) -> bool:
    if hasattr(error, "error_dict"):
        return False
    messages.error(request, " ".join(error.messages))
    return True


@login_required
@require_POST
def notice_correct(request, pk):
    notice = _notice_or_404(request, pk)
    form = NoticeCorrectForm(request.POST, notice=notice, prefix="correct")
    if form.is_valid():
        try:
            notice = services.notice_correct(
                notice=notice,
                user=request.user,
                start_date=form.cleaned_data["start_date"],
                working_days=form.cleaned_data["working_days"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            if _refused_as_a_whole(request, notice, error):
                return redirect("reviews:notice_detail", pk=notice.pk)
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("公示期已更正为 %(start)s 至 %(end)s（%(days)s个工作日），已通知公示人员。")
                % {
                    "start": notice.start_date.isoformat(),
                    "end": notice.end_date.isoformat(),
                    "days": notice.working_days,
                },
            )
            return redirect("reviews:notice_detail", pk=notice.pk)
    return _render_detail(request, notice, status=400, correct_form=form)


@login_required
@require_POST
def notice_withdraw(request, pk):
    notice = _notice_or_404(request, pk)
    form = NoticeWithdrawForm(request.POST, prefix="withdraw")
    if form.is_valid():
        try:
            services.notice_withdraw(notice=notice, user=request.user, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            if _refused_as_a_whole(request, notice, error):
                return redirect("reviews:notice_detail", pk=notice.pk)
            add_validation_errors(form, error)
        else:
            messages.success(request, _("公示已撤回，公示人员已回到待公示。"))
            return redirect("reviews:notice_detail", pk=notice.pk)
    return _render_detail(request, notice, status=400, withdraw_form=form)


def public_notices(request):
    """Running notices of every unit, for anyone: names and applied titles only, never ID or
    phone numbers of applicants."""
    page = Paginator(services.public_open_notices(), PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/public_notices.html", {"page": page, "today": timezone.localdate()})
