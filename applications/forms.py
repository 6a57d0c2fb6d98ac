"""Forms of the filing pages. Every date and number is checked here, with a Chinese message at
the field; cross-row checks (work history continuity) live in the formset classes."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseModelFormSet
from django.forms.formsets import TOTAL_FORM_COUNT, ManagementForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import models as m
from .held_uploads import held, hold
from .materials import photo_check

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BlankRowMixin:
    """A repeating row added by mistake and left empty is ignored, not an error: the formset marks
    it `blank_row` (nothing typed in it; check boxes and pre-chosen defaults do not count) and
    then it counts as unchanged, so Django skips its validation and never saves it."""

    blank_row = False

    def has_changed(self):
        return False if self.blank_row else super().has_changed()

    def typed_anything(self) -> bool:
        for name, field in self.fields.items():
            if name in ("DELETE", "id") or isinstance(field, forms.BooleanField | forms.NullBooleanField):
                continue
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            values = value if isinstance(value, list | tuple) else [value]
            initial = self.get_initial_for_field(field, name)
            if any(v not in (None, "") and str(v).strip() and str(v) != str(initial or "") for v in values):
                return True
        return False


class DatedForm(BlankRowMixin, forms.ModelForm):
    """Dates use the browser's date picker and may not lie in the future or before birth."""

    date_fields: tuple[str, ...] = ()
    ordered_dates: tuple[tuple[str, str], ...] = ()  # (earlier, later) pairs

    def __init__(self, *args, applicant=None, application=None, **kwargs):
        self.applicant = applicant
        self.application = application
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE_WIDGET
                field.input_formats = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
                field.error_messages["invalid"] = _("请输入有效日期，例如 2020-07-01。")

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        birth = self.applicant.birth_date if self.applicant else None
        for name in self.fields:
            value = cleaned.get(name)
            if not isinstance(value, datetime.date):
                continue
            if value > today:
                self.add_error(name, _("日期不能晚于今天。"))
            elif birth and value < birth:
                self.add_error(name, _("日期不能早于您的出生日期（%(d)s）。") % {"d": birth.isoformat()})
        for earlier, later in self.ordered_dates:
            a, b = cleaned.get(earlier), cleaned.get(later)
            if a and b and b < a:
                self.add_error(
                    later,
                    _("%(later)s不能早于%(earlier)s。")
                    % {"later": self.fields[later].label, "earlier": self.fields[earlier].label},
                )
        return cleaned


MIN_WORKING_AGE = 14


def birthday(birth: datetime.date, age: int) -> datetime.date:
    """The day one turns `age`; someone born on 29 February turns it on 1 March in common years."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return datetime.date(birth.year + age, 3, 1)


def check_working_age(value, applicant) -> None:
    if value and applicant and applicant.birth_date and value < birthday(applicant.birth_date, MIN_WORKING_AGE):
        raise ValidationError(_("参加工作时间不能早于14周岁。"))


class ProfileForm(forms.ModelForm):
    class Meta:
        model = m.Profile
        fields = ["ethnicity", "politics", "address", "post", "work_start_date", "is_civil_servant", "is_retired"]
        widgets = {"work_start_date": DATE_WIDGET}

    photo_upload = forms.FileField(
        label=_("证件照"), required=False, help_text=_("JPG或PNG格式，不超过2 MB；已上传的照片无需重复上传。")
    )
    # A photo that passed its checks on an earlier try of this page (see held_uploads.py).
    photo_held = forms.CharField(required=False, widget=forms.HiddenInput)
    wants_express = forms.TypedChoiceField(
        label=_("证书是否快递"),
        choices=[("0", _("否，到窗口领取")), ("1", _("是，快递到下面的地址"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    express_address = forms.CharField(label=_("快递地址"), max_length=200, required=False)

    def __init__(self, *args, applicant=None, application=None, **kwargs):
        self.applicant = applicant
        self.application = application
        self.held_photo = None
        super().__init__(*args, **kwargs)
        self.fields["work_start_date"].input_formats = ["%Y-%m-%d"]
        self.fields["ethnicity"].required = True
        self.fields["work_start_date"].required = True
        if application is not None and not self.is_bound:
            self.initial["wants_express"] = "1" if application.wants_express else "0"
            self.initial["express_address"] = application.express_address

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        if upload:
            self.photo_extension, _type = photo_check(upload)
        return upload

    def clean_photo_held(self):
        """The held photo's storage name, or "" (a stale or foreign token is ignored)."""

        found = held(self.cleaned_data.get("photo_held", ""), user=self.applicant) if self.applicant else None
        self.held_photo = found
        return found["name"] if found else ""

    def hold_photo(self) -> None:
        """After a failed save: keep a photo that passed its own checks for the next try."""

        upload = self.cleaned_data.get("photo_upload") if hasattr(self, "cleaned_data") else None
        if not upload or "photo_upload" in self.errors or self.applicant is None:
            return
        token = hold(upload, user=self.applicant, extension=self.photo_extension)
        self.data = self.data.copy()
        self.data["photo_held"] = token
        self.held_photo = {"name": "", "label": upload.name}

    def clean_work_start_date(self):
        value = self.cleaned_data["work_start_date"]
        if value and value > timezone.localdate():
            raise ValidationError(_("日期不能晚于今天。"))
        check_working_age(value, self.applicant)
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("wants_express") and not cleaned.get("express_address", "").strip():
            self.add_error("express_address", _("选择快递时请填写快递地址。"))
        return cleaned


class CurrentTitleForm(DatedForm):
    class Meta:
        model = m.CurrentTitle
        fields = [
            "has_title",
            "series_name",
            "level",
            "title_name",
            "obtained_on",
            "obtained_by",
            "certificate_number",
            "issuing_authority",
        ]
        widgets = {
            "has_title": forms.RadioSelect(choices=[(True, _("有")), (False, _("无（首次申报）"))]),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_title"):
            for name in ("series_name", "level", "title_name", "obtained_on", "obtained_by"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("已有职称时此项必填。"))
        return cleaned


class EducationForm(DatedForm):
    ordered_dates = (("start_date", "graduation_date"),)

    class Meta:
        model = m.Education
        fields = [
            "degree",
            "academic_degree",
            "school",
            "major",
            "start_date",
            "graduation_date",
            "full_time",
            "chsi_code",
        ]

    def clean_chsi_code(self):
        code = self.cleaned_data["chsi_code"].strip().upper()
        if code and not (8 <= len(code) <= 20 and code.replace("-", "").isalnum()):
            raise ValidationError(_("学信网在线验证码应为8至20位字母或数字。"))
        return code


class StudyForm(DatedForm):
    ordered_dates = (("start_date", "end_date"),)

    class Meta:
        model = m.StudyHistory
        fields = ["start_date", "end_date", "school", "stage"]


class WorkForm(DatedForm):
    ordered_dates = (("start_date", "end_date"),)

    class Meta:
        model = m.WorkHistory
        fields = ["start_date", "end_date", "employer", "post", "is_professional", "gap_explanation"]

    def clean_start_date(self):
        value = self.cleaned_data["start_date"]
        check_working_age(value, self.applicant)
        return value


class ProjectForm(DatedForm):
    ordered_dates = (("start_date", "end_date"),)

    class Meta:
        model = m.Project
        fields = ["name", "source", "role", "start_date", "end_date", "funding"]

    def clean_funding(self):
        value = self.cleaned_data["funding"]
        if value is not None and value < 0:
            raise ValidationError(_("经费不能为负数。"))
        return value


class RankedMixin:
    def clean_rank(self):
        rank = self.cleaned_data["rank"]
        if rank < 1 or rank > 50:
            raise ValidationError(_("本人排名应在1至50之间。"))
        return rank


class PatentForm(RankedMixin, DatedForm):
    class Meta:
        model = m.Patent
        fields = ["name", "number", "kind", "granted_on", "rank"]


class AwardForm(RankedMixin, DatedForm):
    class Meta:
        model = m.Award
        fields = ["name", "grade", "awarded_by", "awarded_on", "rank"]


class BookForm(DatedForm):
    MAX_WORDS = 1000  # 万字: ten million characters by one author is already far beyond any real book

    class Meta:
        model = m.Book
        fields = ["title", "publisher", "published_on", "role", "words", "isbn"]

    def clean_words(self):
        value = self.cleaned_data["words"]
        if value is not None and value > self.MAX_WORDS:
            raise ValidationError(_("字数不合理：以万字为单位，最多%(n)d万字。") % {"n": self.MAX_WORDS})
        return value


class PaperForm(RankedMixin, DatedForm):
    class Meta:
        model = m.Paper
        fields = ["title", "journal", "issue", "published_on", "rank", "issn"]


class YearMixin:
    """Years between the applicant's 16th birthday and the application year."""

    def check_year(self, year):
        application = self.application
        if application is not None and year > application.year:
            raise ValidationError(_("年度不能晚于申报年度（%(y)d）。") % {"y": application.year})
        if application is None and year > timezone.localdate().year:
            raise ValidationError(_("年度不能晚于今年。"))
        person = application.applicant if application is not None else self.applicant
        if person is not None and year < person.birth_date.year + 16:
            raise ValidationError(_("年度不合理：早于您16周岁。"))
        return year


class TrainingForm(BlankRowMixin, YearMixin, forms.ModelForm):
    MAX_HOURS_PER_YEAR = 1000

    class Meta:
        model = m.ContinuingEducation
        fields = ["year", "total_hours", "public_hours", "provider"]

    def __init__(self, *args, application=None, applicant=None, **kwargs):
        self.application = application
        self.applicant = applicant
        super().__init__(*args, **kwargs)

    def clean_year(self):
        return self.check_year(self.cleaned_data["year"])

    def clean(self):
        cleaned = super().clean()
        total, public = cleaned.get("total_hours"), cleaned.get("public_hours")
        if total is not None and total > self.MAX_HOURS_PER_YEAR:
            self.add_error("total_hours", _("学时不合理：一年最多%(n)d学时。") % {"n": self.MAX_HOURS_PER_YEAR})
        if total is not None and public is not None and public > total:
            self.add_error("public_hours", _("公需科目学时不能超过总学时。"))
        return cleaned


class AssessmentForm(BlankRowMixin, YearMixin, forms.ModelForm):
    class Meta:
        model = m.Assessment
        fields = ["year", "result"]

    def __init__(self, *args, application=None, applicant=None, **kwargs):
        self.application = application
        self.applicant = applicant
        super().__init__(*args, **kwargs)

    def clean_year(self):
        year = self.check_year(self.cleaned_data["year"])
        if self.application is not None and year < self.application.year - 5:
            raise ValidationError(
                _("只需填写近5年（%(a)d—%(b)d年）的年度考核。")
                % {"a": self.application.year - 5, "b": self.application.year - 1}
            )
        return year


class ExamForm(DatedForm):
    class Meta:
        model = m.Exam
        fields = ["name", "taken_on", "score", "certificate_number"]


class StatementForm(forms.Form):
    MIN_LENGTH = 100

    text = forms.CharField(
        label=_("内容"),
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20000,
        help_text=_("不少于100字，不超过20000字。"),
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < self.MIN_LENGTH:
            raise ValidationError(_("内容过短：不少于%(n)d字，当前%(c)d字。") % {"n": self.MIN_LENGTH, "c": len(text)})
        return text


class CommitmentForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("本人已阅读并承诺遵守以上内容"),
        error_messages={"required": _("请勾选确认诚信承诺。")},
    )


class RowsFormSet(BaseModelFormSet):
    """Repeating rows of one application. `min_rows` rows must remain after deletions; at most
    `max_num` may be kept (the section's cap, see sections.py)."""

    min_rows = 0
    unique_field: str | None = None
    default_error_messages = {"too_many_forms": _("本栏最多填写%(num)d条，请删除多余的条目后再保存。")}

    @classmethod
    def posted_rows(cls, data, *, prefix: str) -> int | None:
        """How many rows a post claims (its management form), read before any row form is built;
        None when the management form is missing or not a number."""
        management = ManagementForm(data, prefix=prefix)
        if not management.is_valid():
            return None
        return management.cleaned_data[TOTAL_FORM_COUNT]

    section = None  # the RowsSection (sections.py) the formset edits
    works_siblings: tuple = ()  # every section of works, for the count of representative works

    def __init__(self, *args, application=None, person=None, **kwargs):
        # With `application`: the application's page, which edits the person's record and says
        # which rows this application uses. Without: the person's own record page.
        self.application = application
        self.person = application.applicant if application is not None else person
        self.excluded_pks: set[int] = set()
        self.representative_pks: set[int] = set()
        if application is not None and application.pk:
            offered = set(self.section.offered_rows(application).values_list("pk", flat=True))
            self.excluded_pks = offered - set(self.section.rows(application).values_list("pk", flat=True))
            if self.marks_works:
                self.representative_pks = set(self.section.representative(application).values_list("pk", flat=True))
        super().__init__(*args, **kwargs)

    @property
    def marks_works(self) -> bool:
        return bool(self.application is not None and self.section.works and self.application.item.needs_committee)

    def get_form_kwargs(self, index):
        return {"application": self.application, "applicant": self.person}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if self.application is None:
            return
        pk = form.instance.pk
        # "Not used" rather than "used": a row added on the page is used without a click.
        form.fields["exclude"] = forms.BooleanField(
            label=_("本次申报不使用此条"),
            required=False,
            initial=pk in self.excluded_pks,
            help_text=_("仍保留在个人业务档案中。"),
        )
        if self.marks_works:
            form.fields["representative"] = forms.BooleanField(
                label=_("作为代表作"), required=False, initial=pk in self.representative_pks
            )

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.is_bound and i >= self.initial_form_count() and not form.typed_anything():
            form.empty_permitted = True
            form.blank_row = True
        return form

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            **self.get_form_kwargs(None),
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def shown_pks(self) -> set[int]:
        """Ids of the saved rows the posted page was showing (its initial forms), as posted."""
        shown = set()
        for i in range(self.initial_form_count()):
            value = self.data.get(f"{self.add_prefix(i)}-{self.model._meta.pk.name}", "")
            if str(value).isdigit():
                shown.add(int(value))
        return shown

    def kept_forms(self):
        return [
            f
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and (f.has_changed() or f.instance.pk)
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = self.kept_forms()
        used = [form for form in kept if not form.cleaned_data.get("exclude")]
        if self.application is not None and len(used) < self.min_rows:
            raise ValidationError(_("请至少填写%(n)d条。") % {"n": self.min_rows})
        if self.marks_works:
            self._check_representative_count(used)
        if self.unique_field:
            seen = {}
            for form in kept:
                value = form.cleaned_data.get(self.unique_field)
                if value in seen:
                    form.add_error(self.unique_field, _("与第%(n)d条重复。") % {"n": seen[value] + 1})
                seen.setdefault(value, kept.index(form))

    def _check_representative_count(self, used):
        from_here = sum(1 for form in used if form.cleaned_data.get("representative"))
        if not from_here:
            return
        elsewhere = sum(
            getattr(self.application, f"representative_{other.related_name}").count()
            for other in self.works_siblings
            if other.key != self.section.key
        )
        limit = self.application.series.representative_works_max
        if from_here + elsewhere > limit:
            raise ValidationError(
                _("代表作最多%(max)d件（本栏%(here)d件，其他栏目已标记%(other)d件），请减少标记。")
                % {"max": limit, "here": from_here, "other": elsewhere}
            )

    def content_changed(self, form) -> bool:
        """Whether a row's content (not only its use in this application) changed."""
        return any(name in form._meta.fields for name in form.changed_data)


class WorkFormSet(RowsFormSet):
    """Work history must be continuous: a gap over a month needs an explanation; one current post."""

    min_rows = 1
    GAP_DAYS = 31

    def clean(self):
        super().clean()
        if any(self.errors) or self.non_form_errors():
            return
        rows = sorted(self.kept_forms(), key=lambda f: f.cleaned_data["start_date"])
        current = [f for f in rows if not f.cleaned_data.get("end_date")]
        if len(current) > 1:
            for form in current[:-1]:
                form.add_error("end_date", _("只有现任岗位可以不填结束时间。"))
        elif current and current[0] is not rows[-1]:
            current[0].add_error("end_date", _("现任岗位应是最近的一段经历；更早的经历请填写结束时间。"))
        for previous, form in zip(rows, rows[1:], strict=False):
            end = previous.cleaned_data.get("end_date")
            start = form.cleaned_data["start_date"]
            if end and (start - end).days > self.GAP_DAYS and not form.cleaned_data.get("gap_explanation", "").strip():
                form.add_error(
                    "gap_explanation",
                    _("与上一段经历（%(e)s结束）间断%(d)d天，请说明原因。")
                    % {"e": end.isoformat(), "d": (start - end).days},
                )
            if end and start < end:
                form.add_error("start_date", _("与上一段经历（%(e)s结束）时间重叠。") % {"e": end.isoformat()})


class MaterialUploadForm(forms.Form):
    """One slot's upload (with `requirement`) or an extra material (with `name`)."""

    requirement = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(required=False, max_length=200, strip=True)
    # Size, emptiness and type are the service's checks, so all messages come from one place.
    file = forms.FileField(allow_empty_file=True, error_messages={"required": _("请选择要上传的文件。")})

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = {r.pk: r for r in requirements}

    def clean_requirement(self):
        pk = self.cleaned_data.get("requirement")
        if pk is None:
            return None
        if pk not in self.requirements:
            raise ValidationError("unknown requirement", code="unknown_requirement")
        return self.requirements[pk]
