"""The discipline groups' posts (评议组) on the session page: the office sets up a group, puts
files and experts in it, and records its written opinion. A session or group outside the
office's committees is a 404, like a missing one."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import groups, meetings, offices
from .forms_groups import GroupAssignForm, GroupForm, GroupOpinionForm
from .models import DisciplineGroup
from .views_meeting import form_post, sitting_of_office


def _group(request, pk) -> DisciplineGroup:
    return get_object_or_404(
        DisciplineGroup.objects.filter(session__in=offices.sessions_of(request.user)).select_related("session"), pk=pk
    )


@login_required
@require_POST
def create(request, pk):
    sitting = sitting_of_office(request, pk)
    return form_post(
        request,
        sitting,
        GroupForm(request.POST, prefix="group"),
        lambda form: groups.group_create(session_id=sitting.pk, by=request.user, **form.cleaned_data),
        done=_("评议组已设立。"),
        anchor="groups",
        failed=_("评议组未设立，请按提示修改。"),
        shown_as="group",
    )


@login_required
@require_POST
def assign(request, pk):
    group = _group(request, pk)
    sitting = group.session
    return form_post(
        request,
        sitting,
        GroupAssignForm(
            request.POST,
            group=group,
            applications=sitting.applications.select_related("applicant"),
            members=meetings.members(sitting),
            prefix=f"group{group.pk}",
        ),
        lambda form: groups.group_assign(
            group_id=group.pk,
            application_ids=form.cleaned_data["applications"],
            member_ids=form.cleaned_data["members"],
            by=request.user,
        ),
        done=_("评议组的申报与专家已保存。"),
        anchor="groups",
        failed=_("评议组未保存，请按提示修改。"),
        shown_as=f"group_assign_{group.pk}",
    )


@login_required
@require_POST
def opinion(request, pk):
    group = _group(request, pk)
    return form_post(
        request,
        group.session,
        GroupOpinionForm(request.POST, group=group, prefix=f"opinion{group.pk}"),
        lambda form: groups.group_opinion_record(
            group_id=group.pk,
            application_id=int(form.cleaned_data["application"]),
            recommendation=form.cleaned_data["recommendation"],
            agreeing=form.cleaned_data["agreeing"],
            text=form.cleaned_data["text"],
            by=request.user,
        ),
        done=_("评议组意见已登记。"),
        anchor="groups",
        failed=_("评议组意见未登记，请按提示修改。"),
        shown_as=f"group_opinion_{group.pk}",
    )
