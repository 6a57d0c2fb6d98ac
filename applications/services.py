"""Writes of the filing pages: start, save each section, confirm the commitment, submit.
One function per write, each atomic; nothing is half-saved."""

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from portal.catalog.deadlines import format_deadline
from portal.catalog.models import ApplicationWindow, Committee, CommitteeGrade, Item, Level, Series, TitleName
from portal.organizations.scope import region_chain
from portal.organizations.selectors import applicant_unit

from . import eligibility
from .exam_only import exam_only_refusal, speciality_missing, speciality_refusal
from .forms import CurrentTitleForm, StatementForm
from .held_uploads import release
from .materials import material_slots, sniff
from .models import (
    CLOSED_STATES,
    EDITABLE_STATES,
    Application,
    Commitment,
    CurrentTitle,
    Profile,
    Statement,
)
from .permissions import can_edit_application
from .sections import (
    COMMITMENT_TEXT,
    COMMITMENT_VERSION,
    RECORD_SECTIONS,
    SECTIONS,
    STATEMENT_KINDS,
    WORKS_SECTIONS,
    asked_keys,
    commitment_at_submission,
)
from .snapshot_display import BASIC_PROFILE_FIELDS
from .workflow import services as workflow


def committee_grade_for(level: Level) -> str:
    return CommitteeGrade.SENIOR if level.rank >= 4 else CommitteeGrade.INTERMEDIATE


def open_window_for(
    *, item: Item, committee: Committee | None, moment=None, region_ids: list[int] | None = None
) -> ApplicationWindow | None:
    windows = ApplicationWindow.objects.open_at(moment)
    if committee is not None:
        return windows.filter(committee=committee).order_by("closes_at").first()
    return item_windows(item, region_ids or []).open_at(moment).order_by("closes_at").first()


def item_windows(item: Item, region_ids: list[int]):
    """The item's own windows (not a committee's) that apply to a unit in these regions: those of
    the regions (the unit's and those above it) and those for every region."""
    return ApplicationWindow.objects.filter(item=item, committee__isnull=True).filter(
        Q(region__isnull=True) | Q(region_id__in=region_ids)
    )


def item_window_refusal(item: Item, region_ids: list[int], moment=None) -> str:
    """Why the item cannot be started when none of its windows is open: "" if it has none here
    (accepted all year), else the refusal naming the next window."""
    windows = item_windows(item, region_ids)
    if not windows.exists():
        return ""
    upcoming = windows.filter(opens_at__gt=moment or timezone.now()).order_by("opens_at").first()
    if upcoming is None:
        return _("本事项仅在规定的申报时间内受理，目前不在申报时间内，下一次申报时间尚未公布。")
    return _("本事项仅在规定的申报时间内受理，目前不在申报时间内。下一次申报时间：%(opens)s 至 %(closes)s。") % {
        "opens": format_deadline(upcoming.opens_at),
        "closes": format_deadline(upcoming.closes_at),
    }


@transaction.atomic
def application_start(
    *,
    user,
    item: Item,
    series: Series,
    level: Level,
    title: TitleName,
    committee: Committee | None = None,
    speciality: str = "",
) -> Application:
    unit = applicant_unit(user)
    if unit is None:
        raise ValidationError(_("您尚未加入任何单位，请先在个人信息中选择工作单位。"))
    if not item.online:
        raise ValidationError({"item": _("该事项只能线下办理，请携带纸质材料到窗口办理。")})
    if title.series_id != series.pk or title.level_id != level.pk:
        raise ValidationError({"title": _("所选职称名称与系列、层级不一致。")})
    bar = eligibility.barred(user)
    if bar is not None:
        raise ValidationError(bar.reason)
    exam_only = exam_only_refusal(item=item, series=series, level=level, unit=unit)
    if exam_only:
        raise ValidationError({"series": exam_only})
    speciality = (speciality or "").strip()
    rule = {"item": item, "series": series, "level": level, "unit": unit, "speciality": speciality}
    exam_only = speciality_refusal(**rule) or speciality_missing(**rule)
    if exam_only:
        raise ValidationError({"speciality": exam_only})
    window = None
    if item.needs_committee:
        if committee is None:
            raise ValidationError({"committee": _("职称评审须选择评审委员会。")})
        if committee.series_id not in (None, series.pk) or committee.grade != committee_grade_for(level):
            raise ValidationError({"committee": _("该评审委员会的评审范围不包括所选系列和层级。")})
        window = open_window_for(item=item, committee=committee)
        if window is None:
            raise ValidationError({"committee": _("该评审委员会当前不在申报时间内。")})
    else:
        regions = region_chain(unit.region)
        window = open_window_for(item=item, committee=None, region_ids=regions)
        refusal = item_window_refusal(item, regions) if window is None else ""
        if refusal:
            raise ValidationError({"item": refusal})
    if returned_too_often(user=user, item=item, title=title, year=timezone.localdate().year):
        raise ValidationError(_returned_too_often_message())
    existing = (
        Application.objects.filter(applicant=user, item=item, title=title).exclude(state__in=CLOSED_STATES).first()
    )
    if existing:
        raise ValidationError(
            _("您已有一份“%(item)s · %(title)s”的申报（%(state)s），请继续办理该申报。")
            % {"item": item.short_name, "title": title.name, "state": existing.get_state_display()}
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                applicant=user,
                unit=unit,
                item=item,
                series=series,
                level=level,
                title=title,
                speciality=speciality,
                committee=committee,
                window=window,
                year=timezone.localdate().year,
            )
    except IntegrityError:
        raise ValidationError(_("您已有一份相同事项和职称的申报。")) from None
    Profile.objects.get_or_create(user=user)
    take_in_record(application)
    return application


def _locked(application: Application, user) -> Application:
    locked = Application.objects.select_for_update().select_related("applicant").get(pk=application.pk)
    if not can_edit_application(user, locked):
        raise PermissionDenied(_("申报已提交，内容不能再修改。"))
    return locked


def _touch(application: Application) -> None:
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())


@transaction.atomic
def profile_save(*, application: Application, user, form) -> None:
    application = _locked(application, user)
    profile = form.save(commit=False)
    photo = form.cleaned_data.get("photo_upload")
    held = form.cleaned_data.get("photo_held", "")
    if photo or held:
        if photo:
            extension, _type = sniff(photo)
        else:  # held from an earlier try of this page, checked then
            extension, photo = Path(held).suffix, File(default_storage.open(held, "rb"))
        # Server-made name; the previous photo file is removed once the new one is committed.
        old = profile.photo.name if profile.photo else None
        try:
            profile.photo.save(f"{uuid.uuid4().hex}{extension}", photo, save=False)
        finally:
            if held:
                photo.close()
        storage = profile.photo.storage
        if old:
            transaction.on_commit(lambda: storage.delete(old), robust=True)
        if held:
            transaction.on_commit(lambda: release(held), robust=True)
    profile.save()
    application.wants_express = form.cleaned_data["wants_express"]
    application.express_address = form.cleaned_data.get("express_address", "").strip()
    application.save(update_fields=["wants_express", "express_address", "updated_at"])


@transaction.atomic
def current_title_save(*, application: Application, user, form) -> CurrentTitle:
    _locked(application, user)
    current = form.save(commit=False)
    current.application = application
    if not current.has_title:
        current.series_name = current.title_name = current.obtained_by = ""
        current.certificate_number = current.issuing_authority = ""
        current.level = None
        current.obtained_on = None
    current.save()
    _touch(application)
    return current


class RowsChanged(Exception):
    """The section's saved rows are no longer those the posted page showed: a double-clicked
    save (the first click already created the new rows) or a save from another tab or device."""


@transaction.atomic
def rows_save(*, application: Application, user, formset, shown_pks: set[int] | None = None) -> None:
    """Save a section's rows from an application's page: the rows are the person's record (an
    edit shows in every draft), and the page says which of them this application uses. With
    `shown_pks` (the saved rows the page showed), refuse with RowsChanged when the section's rows
    changed since: checked under the application's lock, so a double click cannot create every
    new row twice."""
    application = _locked(application, user)
    saved = _save_record_rows(formset, person=application.applicant, shown_pks=shown_pks)
    selection = getattr(application, formset.section.related_name)
    works = getattr(application, f"representative_{formset.section.related_name}", None)
    for form, obj, _created in saved:
        excluded = bool(form.cleaned_data.get("exclude"))
        (selection.remove if excluded else selection.add)(obj)
        if formset.marks_works:
            (works.add if form.cleaned_data.get("representative") and not excluded else works.remove)(obj)
    _touch(application)


@transaction.atomic
def record_rows_save(*, person, formset, shown_pks: set[int] | None = None) -> None:
    """Save a section of the person's record from their own record page. New rows are taken
    into the person's open drafts that ask for the section; edited rows show there anyway."""
    # The person's row serialises saves of their record (a double click, two tabs).
    get_user_model().objects.select_for_update().filter(pk=person.pk).first()
    saved = _save_record_rows(formset, person=person, shown_pks=shown_pks)
    new = [obj for _form, obj, created in saved if created]
    if not new:
        return
    section = formset.section
    for application in Application.objects.filter(applicant=person, state__in=EDITABLE_STATES).select_related("item"):
        if section.key in asked_keys(application.item):
            getattr(application, section.related_name).add(*new)
            _touch(application)


def _save_record_rows(formset, *, person, shown_pks):
    """Write a record section's formset: delete, create and change rows of `person`'s record.
    A row whose content changed loses its verification (a reviewer checked what it said before).
    Returns (form, row, created) for every row kept on the page."""
    if shown_pks is not None:
        current = set(formset.queryset.values_list("pk", flat=True))
        if current != shown_pks:
            raise RowsChanged
    formset.save(commit=False)
    for obj in formset.deleted_objects:
        obj.delete()
    saved = []
    for form in formset.kept_forms():
        obj = form.instance
        created = obj.pk is None
        if created:
            obj.person = person
            obj.save()
        elif formset.content_changed(form):
            obj.verified_by = obj.verified_org = obj.verified_at = None
            obj.save()
        saved.append((form, obj, created))
    return saved


def take_in_record(application: Application) -> None:
    """A new application uses the person's record: every row of each section its item asks for
    (assessments of the recent years only), and the current title of their last application
    that had one; an evaluation also marks the representative works (代表作) the person's last
    evaluation marked. The applicant unticks what this application should not use."""
    asked = asked_keys(application.item)
    for key in asked:
        section = RECORD_SECTIONS.get(key)
        if section is not None:
            getattr(application, section.related_name).set(section.offered_rows(application))
    if application.item.needs_committee:
        _carry_representative_works(application, asked)
    if "current_title" in asked:
        previous = (
            CurrentTitle.objects.filter(application__applicant_id=application.applicant_id, has_title=True)
            .exclude(application=application)
            .order_by("-application__created_at", "-id")
            .first()
        )
        if previous is not None:
            previous.pk = previous.id = None
            previous._state.adding = True
            previous.application = application
            previous.save()


def _carry_representative_works(application: Application, asked: list[str]) -> None:
    """The works the person's last evaluation that marked any marked as representative, still on
    record, pre-marked here (editable on the works pages), at most the series' maximum: a higher
    title's file usually shows the same best works again."""
    works = [WORKS_SECTIONS[key] for key in asked if key in WORKS_SECTIONS]
    earlier = (
        Application.objects.filter(applicant_id=application.applicant_id, item__needs_committee=True)
        .exclude(pk=application.pk)
        .order_by("-created_at", "-id")
    )
    for previous in earlier:
        marked = [(section, list(section.representative(previous).order_by("pk"))) for section in works]
        if any(rows for _section, rows in marked):
            break
    else:
        return
    room = application.series.representative_works_max
    for section, rows in marked:
        carried = rows[: max(room, 0)]
        room -= len(carried)
        getattr(application, f"representative_{section.related_name}").set(carried)


@transaction.atomic
def statement_save(*, application: Application, user, key: str, text: str) -> None:
    _locked(application, user)
    Statement.objects.update_or_create(application=application, kind=STATEMENT_KINDS[key], defaults={"text": text})
    _touch(application)


@transaction.atomic
def commitment_confirm(*, application: Application, user) -> Commitment:
    _locked(application, user)
    commitment = _confirm_commitment(application)
    _touch(application)
    return commitment


def _confirm_commitment(application: Application) -> Commitment:
    commitment, _created = Commitment.objects.update_or_create(
        application=application,
        defaults={"text_version": COMMITMENT_VERSION, "text": str(COMMITMENT_TEXT), "confirmed_at": timezone.now()},
    )
    return commitment


@dataclass(frozen=True)
class Missing:
    key: str
    label: str
    message: str
    url: str


def completeness(application: Application) -> list[Missing]:
    """Every required field and material still missing, each with a link to where to fix it."""
    missing = []

    def add(key, message, url=None):
        label = SECTIONS[key].label if key in SECTIONS else _("申报材料")
        missing.append(
            Missing(key, str(label), message, url or reverse("applications:section", args=[application.pk, key]))
        )

    profile = Profile.objects.filter(user=application.applicant_id).first()
    if profile is None or not profile.ethnicity or not profile.work_start_date:
        add("basic", _("请填写民族和参加工作时间。"))
    if profile is None or not profile.photo:
        add("basic", _("请上传证件照。"))
    if application.wants_express and not application.express_address:
        add("basic", _("请填写快递地址。"))
    asked = asked_keys(application.item)
    current = CurrentTitle.objects.filter(application=application).only("has_title").first()
    if "current_title" in asked and current is None:
        add("current_title", _("请填写现有职称（没有职称请选择“无”并保存）。"))
    # Someone with no title is never asked for a current-title certificate.
    without_title = current is not None and not current.has_title
    for key, section in RECORD_SECTIONS.items():
        if key in asked and section.min_rows:
            if section.rows(application).count() < section.min_rows:
                add(key, _("请至少填写%(n)d条%(label)s。") % {"n": section.min_rows, "label": section.label})
    # Autosave keeps a statement as typed, however short: complete only at the page's minimum.
    texts = dict(Statement.objects.filter(application=application).values_list("kind", "text"))
    for key, kind in STATEMENT_KINDS.items():
        if key not in asked:
            continue
        text = texts.get(kind, "").strip()
        if not text:
            add(key, _("请填写%(label)s。") % {"label": SECTIONS[key].label})
        elif len(text) < StatementForm.MIN_LENGTH:
            add(
                key,
                _("%(label)s过短：不少于%(n)d字，当前%(c)d字。")
                % {"label": SECTIONS[key].label, "n": StatementForm.MIN_LENGTH, "c": len(text)},
            )
    # Items without a commitment page confirm it on the submission form instead (checked there).
    if "commitment" in asked and not Commitment.objects.filter(application=application).exists():
        add("commitment", _("请阅读并确认诚信承诺书。"))
    materials_url = reverse("applications:materials", args=[application.pk])
    for requirement, upload in material_slots(application):
        if requirement.needs_current_title and without_title:
            continue
        if requirement.required and upload is None:
            add("materials", _("缺少材料：%(name)s") % {"name": requirement.name}, materials_url)
    return missing


def snapshot(application: Application) -> dict:
    """The filed content as plain data: field names and stored values (choice codes, ISO dates),
    never labels; snapshot_display.display_content turns it into labelled text in the reader's
    language. "format": 2 tells it from the label-keyed snapshots filed before."""

    asked = asked_keys(application.item)

    def rows(section):
        marked = set(section.representative(application).values_list("pk", flat=True)) if section.works else set()
        return [
            {
                **{k: stored_value(obj, k) for k in section.form._meta.fields},
                **({"representative": True} if obj.pk in marked else {}),
            }
            for obj in section.rows(application)
        ]

    user = application.applicant
    profile = Profile.objects.filter(user=user).first()
    content = {
        "format": 2,
        "application": {
            "item": application.item.name,
            "series": application.series.name,
            "level": application.level.name,
            "title": application.title.name,
            "committee": application.committee.name if application.committee else "",
            "unit": application.unit.name,
            "year": application.year,
            "wants_express": application.wants_express,
            "express_address": application.express_address,
        },
        "basic": {
            "real_name": user.real_name,
            "id_number": user.id_number,
            "sex": user.sex,
            "birth_date": user.birth_date.isoformat(),
            "mobile": user.mobile,
            **({k: stored_value(profile, k) for k in BASIC_PROFILE_FIELDS} if profile else {}),
        },
    }
    current = CurrentTitle.objects.filter(application=application).first()
    if current and "current_title" in asked:
        content["current_title"] = {k: stored_value(current, k) for k in CurrentTitleForm._meta.fields}
    # The selected rows of the person's record, of the sections the item asks for.
    for key, section in RECORD_SECTIONS.items():
        if key in asked:
            content[key] = rows(section)
    statements = {s.kind: s.text for s in Statement.objects.filter(application=application)}
    for key, kind in STATEMENT_KINDS.items():
        if key in asked:
            content[key] = statements.get(kind, "")
    commitment = Commitment.objects.filter(application=application).first()
    if commitment:
        content["commitment"] = {
            "version": commitment.text_version,
            "text": commitment.text,
            "confirmed_at": timezone.localtime(commitment.confirmed_at).isoformat(timespec="seconds"),
        }
    content["materials"] = [
        {
            "name": m.display_name,
            "size": m.size,
            "sha256": m.sha256,
            "uploaded_at": timezone.localtime(m.uploaded_at).isoformat(timespec="seconds"),
        }
        for m in application.materials.all()
    ]
    return content


def stored_value(obj, field_name):
    """A field's value as the snapshot keeps it: codes for choices, ISO dates, names for links."""
    value = getattr(obj, field_name)
    if value is None:
        return ""
    if isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return str(value)


def returned_too_often(*, user, item, title, year: int) -> bool:
    """Kunming: once a unit's recommendation of an application has been returned from above
    WORKFLOW_UNIT_RETURN_LIMIT times, it is not accepted again that year — neither that application
    nor a new one for the same item and title (withdrawing and starting again does not reset it)."""
    return Application.objects.filter(
        applicant=user, item=item, title=title, year=year, upper_return_count__gte=settings.WORKFLOW_UNIT_RETURN_LIMIT
    ).exists()


def _returned_too_often_message() -> str:
    return _("单位推荐已被退回%(n)d次，按规定本年度不再受理该申报。") % {"n": settings.WORKFLOW_UNIT_RETURN_LIMIT}


class SubmitRefused(Exception):
    """Submission refused; `problems` says why, in Chinese, each with a link when there is one."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def application_submit(
    *, application: Application, user, moment=None, commitment_confirmed: bool = False
) -> tuple[Application, bool]:
    """Submit once: returns (application, submitted_now). A repeated click finds it submitted.
    For items that confirm the integrity commitment with the submission, `commitment_confirmed`
    is the applicant's tick on the submission form."""
    moment = moment or timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.applicant_id != user.pk:
            raise PermissionDenied
        if not locked.is_editable:
            # Already submitted (a double click, or another tab): nothing to do.
            return locked, False
        if returned_too_often(
            user=user, item=locked.item_id, title=locked.title_id, year=timezone.localtime(moment).year
        ):
            raise SubmitRefused([_returned_too_often_message()])
        if not can_proceed(locked.submit):
            raise SubmitRefused([_("当前状态（%(s)s）不能提交。") % {"s": locked.get_state_display()}])
        problems = []
        bar = eligibility.barred(user)
        if bar is not None:
            problems.append(bar.reason)
        exam_only = exam_only_refusal(item=locked.item, series=locked.series, level=locked.level, unit=locked.unit)
        if exam_only:
            problems.append(exam_only)
        exam_only = speciality_refusal(
            item=locked.item, series=locked.series, level=locked.level, unit=locked.unit, speciality=locked.speciality
        )
        if exam_only:
            problems.append(exam_only)
        if locked.window_id:
            window = ApplicationWindow.objects.get(pk=locked.window_id)
            if not window.is_open(moment):
                problems.append(
                    _("申报时间已截止（%(t)s），网上申报系统关闭后不再开放，草稿可继续查看但不能提交。")
                    % {"t": format_deadline(window.closes_at)}
                )
        elif locked.item.needs_committee:
            problems.append(_("该评审委员会当前不在申报时间内。"))
        problems += [f"{m.label}：{m.message}" for m in completeness(locked)]
        if commitment_at_submission(locked.item) and not Commitment.objects.filter(application=locked).exists():
            if commitment_confirmed:
                _confirm_commitment(locked)
            else:
                problems.append(_("诚信承诺：请阅读并勾选确认诚信承诺书。"))
        result = eligibility.evaluate(locked)
        if result.blocking:
            problems.append(_("不符合申报条件：") + " ".join(result.summary_lines()))
        if problems:
            raise SubmitRefused(problems)
        freeze_photo(locked)
        workflow.submit(application=locked, user=user, content=snapshot(locked), eligibility=result.as_dict())
    return locked, True


def freeze_photo(application: Application) -> None:
    """Copy the profile photo into the filed record (saved with the submission). If the
    transaction rolls back, the copy is an unreferenced file, never a half-saved record."""
    profile = Profile.objects.filter(user=application.applicant_id).first()
    if profile is None or not profile.photo:
        return
    try:
        with profile.photo.open("rb") as source:
            data = source.read()
    except FileNotFoundError:
        # The record names a file storage no longer has (a restore without media, say).
        raise SubmitRefused([_("证件照：照片文件已丢失，请在基本信息中重新上传证件照。")]) from None
    suffix = Path(profile.photo.name).suffix.lower() or ".jpg"
    application.filed_photo.save(f"{application.pk}-{uuid.uuid4().hex[:12]}{suffix}", ContentFile(data), save=False)
