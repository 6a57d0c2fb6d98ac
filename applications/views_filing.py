"""Filing pages: start an application, edit each section, check completeness, submit, download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.audit.models import AuditAction
from portal.audit.services import record_access
from portal.core.forms import add_validation_errors

from . import autosave, eligibility
from . import services as filing
from .exam_only import exam_only_at_start
from .filed_copy import filed_copy_zip
from .forms import CommitmentForm, CurrentTitleForm, ProfileForm, StatementForm
from .forms_start import StartForm
from .models import Commitment, CurrentTitle, Profile, Statement
from .navigation import nav_links, next_to_do
from .permissions import can_edit_application
from .sections import (
    COMMITMENT_TEXT,
    COMMITMENT_VERSION,
    SECTIONS,
    STATEMENT_KINDS,
    asked_keys,
    commitment_at_submission,
)
from .selectors import application_for, applications_of
from .snapshot_display import display_content, filed_basic_facts


@login_required
@require_http_methods(["GET", "POST"])
def start(request):
    if request.method == "POST":
        form = StartForm(request.POST)
    else:
        form = StartForm(
            initial={k: request.GET.get(k) for k in ("item", "series", "level", "title", "committee", "speciality")}
        )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            application = filing.application_start(
                user=request.user,
                item=c["item"],
                series=c["series"],
                level=c["level"],
                title=c["title"],
                committee=c.get("committee"),
                speciality=c.get("speciality", ""),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("申报已创建，请逐项填写；每页保存后即存为草稿，可随时在任何设备上继续。"))
            return redirect("applications:section", pk=application.pk, key="basic")
    bar = eligibility.barred(request.user)
    exam_only = (
        exam_only_at_start(user=request.user, item=form.chosen_item, series=form.chosen_series, level=form.chosen_level)
        if form.ready
        else None
    )
    return render(request, "applications/start.html", {"form": form, "bar": bar, "exam_only": exam_only})


@login_required
def my_applications(request):
    return render(request, "applications/list.html", {"applications": applications_of(request.user)})


def _page(request, application, current, template, context, status=200):
    missing = {m.key for m in filing.completeness(application)} if application.is_editable else set()
    nav = nav_links(application, missing_keys=missing, asked=asked_keys(application.item))
    context.update({"application": application, "nav": nav, "current": current})
    context.setdefault("editable", can_edit_application(request.user, application))
    return render(request, template, context, status=status)


# The filing pages' frame (section menu, head), for the filing views kept in other modules.
application_page = _page


@login_required
@require_http_methods(["GET", "POST"])
def section(request, pk, key):
    application = application_for(request.user, pk)
    spec = SECTIONS.get(key)
    if spec is None or key not in asked_keys(application.item):
        raise Http404
    if request.method == "POST" and not can_edit_application(request.user, application):
        return HttpResponseForbidden(_("申报已提交，内容不能再修改。"))
    handler = {
        "profile": _profile_section,
        "current_title": _current_title_section,
        "statement": _statement_section,
        "commitment": _commitment_section,
        "rows": _rows_section,
    }[spec.kind]
    return handler(request, application, spec)


def _saved(request, application, spec):
    autosave.draft_input_drop(application=application, section=spec.key)
    messages.success(request, _("“%(label)s”已保存。") % {"label": spec.label})
    if request.POST.get("action") == "next":
        # 保存并继续: the next section still incomplete, not merely the next one in order.
        missing = {m.key for m in filing.completeness(application)}
        return redirect(next_to_do(application, after=spec.key, missing_keys=missing))
    return redirect("applications:section", pk=application.pk, key=spec.key)


def _restored(application, spec, context):
    """On a GET: what autosave kept of this page's unsaved input (shown back, unvalidated)."""
    draft = autosave.draft_input_for(application, spec.key)
    if draft is None:
        return None
    context["restored_at"] = draft.saved_at
    return autosave.as_querydict(draft.data)


def _profile_section(request, application, spec):
    if not application.is_editable and application.filed_content:
        # Submitted: what was filed, not the person's profile as it is now.
        return _page(
            request,
            application,
            spec.key,
            "applications/section_profile_filed.html",
            {"spec": spec, "facts": filed_basic_facts(application.filed_content)},
        )
    # A GET shows an empty form for a person without a profile yet; the first save creates it.
    profile = Profile.objects.filter(user=application.applicant).first() or Profile(user=application.applicant)
    extra = {}
    data = request.POST if request.method == "POST" else _restored(application, spec, extra)
    form = ProfileForm(
        data or None,
        request.FILES or None,
        instance=profile,
        applicant=application.applicant,
        application=application,
    )
    if request.method == "POST":
        if form.is_valid():
            filing.profile_save(application=application, user=request.user, form=form)
            return _saved(request, application, spec)
        form.hold_photo()  # a good photo is not lost because another field was wrong
    return _page(
        request,
        application,
        spec.key,
        "applications/section_profile.html",
        {"form": form, "spec": spec, "profile": profile, **extra},
    )


def _current_title_section(request, application, spec):
    instance = CurrentTitle.objects.filter(application=application).first() or CurrentTitle(application=application)
    extra = {}
    data = request.POST if request.method == "POST" else _restored(application, spec, extra)
    form = CurrentTitleForm(data or None, instance=instance, applicant=application.applicant)
    if request.method == "POST" and form.is_valid():
        filing.current_title_save(application=application, user=request.user, form=form)
        return _saved(request, application, spec)
    context = {"form": form, "spec": spec, **extra}
    return _page(request, application, spec.key, "applications/section_form.html", context)


def _statement_section(request, application, spec):
    statement = Statement.objects.filter(application=application, kind=STATEMENT_KINDS[spec.key]).first()
    form = StatementForm(request.POST or None, initial={"text": statement.text if statement else ""})
    if request.method == "POST" and form.is_valid():
        filing.statement_save(application=application, user=request.user, key=spec.key, text=form.cleaned_data["text"])
        return _saved(request, application, spec)
    return _page(request, application, spec.key, "applications/section_form.html", {"form": form, "spec": spec})


def _commitment_section(request, application, spec):
    commitment = Commitment.objects.filter(application=application).first()
    form = CommitmentForm(request.POST or None, initial={"confirm": bool(commitment)})
    if request.method == "POST" and form.is_valid():
        filing.commitment_confirm(application=application, user=request.user)
        return _saved(request, application, spec)
    return _page(
        request,
        application,
        spec.key,
        "applications/section_commitment.html",
        {"form": form, "spec": spec, "commitment": commitment, "text": COMMITMENT_TEXT, "version": COMMITMENT_VERSION},
    )


def _rows_section(request, application, spec):
    if not application.is_editable and application.filed_content:
        # Submitted: the rows as filed, not the person's record as it is now.
        return _page(
            request,
            application,
            spec.key,
            "applications/section_rows_filed.html",
            {"spec": spec, "rows": display_content(application.filed_content).get(spec.key) or []},
        )
    FormSet = spec.formset_class()
    queryset = spec.offered_rows(application)
    action = request.POST.get("action", "save")
    if request.method != "POST":
        extra = {}
        restored = _restored(application, spec, extra)
        formset = FormSet(restored, queryset=queryset, application=application, prefix=spec.key)
        return _rows_page(request, application, spec, formset, show_errors=False, **extra)
    data = request.POST.copy()
    posted = FormSet.posted_rows(data, prefix=spec.key)
    if posted is not None and posted > FormSet.absolute_max:
        # No page could have posted this many rows: refused before a single row form is built.
        refused = _("“%(label)s”最多填写%(max)d条，本次提交了%(n)d条，未保存。") % {
            "label": spec.label,
            "max": FormSet.max_num,
            "n": posted,
        }
        formset = FormSet(queryset=queryset, application=application, prefix=spec.key)
        return _rows_page(request, application, spec, formset, show_errors=False, status=400, refused=refused)
    total_key = f"{spec.key}-TOTAL_FORMS"
    if action == "add":
        # Add an empty row and show the page again with everything typed so far, unvalidated.
        try:
            total = int(data.get(total_key, 0))
        except ValueError:
            return HttpResponseBadRequest()  # a tampered management form: no page to show it on
        data[total_key] = str(min(max(total, 0) + 1, FormSet.max_num))
        formset = FormSet(data, queryset=queryset, application=application, prefix=spec.key)
        return _rows_page(request, application, spec, formset, show_errors=False)
    formset = FormSet(data, queryset=queryset, application=application, prefix=spec.key)
    shown = formset.shown_pks()
    if shown != {row.pk for row in formset.get_queryset()}:
        # Checked before validating too: a row deleted meanwhile would fail only its hidden id field.
        return _rows_changed(request, application, spec)
    if formset.is_valid():
        try:
            filing.rows_save(application=application, user=request.user, formset=formset, shown_pks=shown)
        except filing.RowsChanged:
            return _rows_changed(request, application, spec)
        return _saved(request, application, spec)
    return _rows_page(request, application, spec, formset, show_errors=True, status=200)


def _rows_changed(request, application, spec):
    messages.warning(
        request,
        _(
            "“%(label)s”在您打开本页后已经保存过（例如重复点击了“保存”，或在其他窗口中保存过），"
            "本次提交没有再次保存。请核对下面已保存的内容，需要时修改后再保存。"
        )
        % {"label": spec.label},
    )
    return redirect("applications:section", pk=application.pk, key=spec.key)


def _rows_page(request, application, spec, formset, *, show_errors, status=200, refused="", restored_at=None):
    template = "applications/partials/rows_form.html" if request.htmx else "applications/section_rows.html"
    context = {
        "formset": formset,
        "spec": spec,
        "show_errors": show_errors,
        "refused": refused,
        "restored_at": restored_at,
    }
    if request.htmx:
        return render(request, template, {**context, "application": application, "editable": True}, status=status)
    return _page(request, application, spec.key, template, context, status)


@login_required
def checklist(request, pk):
    application = application_for(request.user, pk)
    missing = filing.completeness(application) if application.is_editable else []
    result = eligibility.evaluate(application)
    bar = eligibility.barred(application.applicant)
    window = application.window
    return _page(
        request,
        application,
        "checklist",
        "applications/checklist.html",
        {
            "missing": missing,
            "result": result,
            "bar": bar,
            "window": window,
            "window_open": window.is_open() if window else not application.item.needs_committee,
            # Items without a commitment page: the commitment is ticked on the submission form.
            "commitment_form": (
                CommitmentForm()
                if application.is_editable
                and commitment_at_submission(application.item)
                and not Commitment.objects.filter(application=application).exists()
                else None
            ),
            "commitment_text": COMMITMENT_TEXT,
        },
    )


@login_required
@require_POST
def submit(request, pk):
    application = application_for(request.user, pk)
    try:
        application, submitted_now = filing.application_submit(
            application=application,
            user=request.user,
            commitment_confirmed=CommitmentForm(request.POST).is_valid(),
        )
    except PermissionDenied:
        raise Http404 from None
    except filing.SubmitRefused as refused:
        for problem in refused.problems:
            messages.error(request, problem)
        return redirect("applications:checklist", pk=application.pk)
    if submitted_now:
        messages.success(request, _("申报已提交，内容已冻结。请下载并保存申报材料备份。"))
    else:
        messages.info(request, _("该申报已经提交，无需重复提交。"))
    return redirect("applications:checklist", pk=application.pk)


@login_required
def filed_copy(request, pk):
    application = application_for(request.user, pk)
    archive, filename = filed_copy_zip(application)
    record_access(
        viewer=request.user, action=AuditAction.DOWNLOAD_FILED_COPY, subject=application.applicant, obj=application
    )
    return FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")


@login_required
def photo(request, pk):
    application = application_for(request.user, pk)
    if application.filed_photo:
        photo = application.filed_photo
    else:  # a draft, or filed before photos were frozen with the submission
        profile = Profile.objects.filter(user=application.applicant).first()
        photo = profile.photo if profile is not None else None
    if not photo:
        raise Http404
    return FileResponse(photo.open("rb"), content_type="image/png" if photo.name.endswith(".png") else "image/jpeg")
