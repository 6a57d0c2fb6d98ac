"""The inbox: list, read one (marks it read), mark read, and the channel preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferenceForm


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(request.user, unread_only=unread_only), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only},
    )


@login_required
def detail(request, pk):
    notification = services.notification_mark_read(user=request.user, notification_id=pk)
    if notification is None:
        raise Http404
    return render(request, "notifications/detail.html", {"notification": notification})


def _back(request):
    target = request.POST.get("next", "")
    # Only a path on this site: redirect() would try "foo" as a URL name (NoReverseMatch, a 500).
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read(request, pk):
    if services.notification_mark_read(user=request.user, notification_id=pk) is None:
        raise Http404
    return _back(request)


@login_required
@require_POST
def read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    return _back(request)


@login_required
def preferences(request):
    current = services.preference_for(request.user)
    form = PreferenceForm(request.POST or None, initial={"email": current.email, "sms": current.sms})
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=request.user, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"])
        messages.success(request, _("通知方式已保存。"))
        return redirect("notifications:preferences")
    problems = {
        "email": services.email_problem(request.user.email),
        "sms": services.mobile_problem(request.user.mobile),
    }
    return render(request, "notifications/preferences.html", {"form": form, "problems": problems})
