"""The autosave endpoint of the section pages (static/js/portal.js posts the page's form to it
about 1.5 s after the applicant stops typing, one request at a time).

It always answers with a small HTML fragment for the page's status line (aria-live): saved at
hh:mm, which fields the section's own save would refuse, or why nothing was saved. A refusal the
applicant cannot fix by waiting (submitted meanwhile, too large) is a 409/413; a database that is
busy or down is a 503 the page retries: never a 500, and never a half-written section."""

import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import autosave
from .forms import CurrentTitleForm, ProfileForm, StatementForm
from .models import CurrentTitle, Profile
from .sections import SECTIONS
from .selectors import application_for

logger = logging.getLogger(__name__)

TEMPLATE = "applications/partials/autosave_status.html"


def _answer(request, *, status=200, saved_at=None, problems=(), message="", retry=False):
    response = render(
        request,
        TEMPLATE,
        {"saved_at": saved_at, "problems": problems, "message": message, "retry": retry},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


def _form_problems(form) -> list[str]:
    return [
        f"{form.fields[name].label if name in form.fields else _('本页')}：{errors[0]}"
        for name, errors in form.errors.items()
    ]


def _problems(application, spec, data) -> list[str]:
    """What the section's own 保存 would refuse in what is typed, field by field (not saved)."""
    if spec.kind == "profile":
        profile = Profile.objects.filter(user=application.applicant).first() or Profile(user=application.applicant)
        form = ProfileForm(data, instance=profile, applicant=application.applicant, application=application)
        return [] if form.is_valid() else _form_problems(form)
    if spec.kind == "current_title":
        instance = CurrentTitle.objects.filter(application=application).first() or CurrentTitle(application=application)
        form = CurrentTitleForm(data, instance=instance, applicant=application.applicant)
        return [] if form.is_valid() else _form_problems(form)
    if spec.kind == "statement":
        form = StatementForm(data)
        return [] if form.is_valid() else _form_problems(form)
    FormSet = spec.formset_class()
    posted = FormSet.posted_rows(data, prefix=spec.key)
    if posted is None or posted > FormSet.absolute_max:
        raise autosave.TooLarge
    formset = FormSet(data, queryset=spec.rows(application), application=application, prefix=spec.key)
    if formset.is_valid():
        return []
    problems = [str(e) for e in formset.non_form_errors()]
    for number, form in enumerate(formset.forms, start=1):
        problems += [_("第%(n)d条 · %(p)s") % {"n": number, "p": p} for p in _form_problems(form)]
    return problems


@login_required
@require_POST
def autosave_section(request, pk, key):
    application = application_for(request.user, pk)
    spec = SECTIONS.get(key)
    if spec is None or spec.kind == "commitment":
        raise Http404
    try:
        data = autosave.typed_input(request.POST)
        if spec.kind == "statement":
            autosave.statement_autosave(
                application=application, user=request.user, key=key, text=request.POST.get("text", "")
            )
        else:
            autosave.draft_input_store(application=application, user=request.user, section=key, data=data)
        problems = _problems(application, spec, request.POST)
    except autosave.NotEditable:
        return _answer(request, status=409, message=_("申报已提交或不可修改，本页的修改未保存。请刷新页面查看。"))
    except autosave.TooLarge:
        return _answer(request, status=413, message=_("本页内容过多，未自动保存；请删除多余的条目后点“保存”。"))
    except DatabaseError:
        # Busy (SQLite's "database table is locked") or briefly unreachable: the page tries again.
        logger.warning("autosave of application %s section %s failed", application.pk, key, exc_info=True)
        return _answer(request, status=503, message=_("未保存，正在重试"), retry=True)
    return _answer(request, saved_at=timezone.localtime(), problems=problems)
