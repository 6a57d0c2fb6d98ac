"""Forms of the reviewer pages: the queue filter, a decision, the committee's votes, batch pass,
the window's offline record and the unit public notice. They parse what was posted; the services
decide (and check who is asking before anything the form could say)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from applications.ids import parse_application_ids
from applications.models import State
from applications.navigation import SECTION_ORDER
from applications.sections import asked_keys
from portal.catalog.models import Item, Series, TitleName
from portal.core.identity import parse_id_number, validate_mobile
from portal.organizations.forms import UnitLookupField

from . import notices
from .models import NoticeResult

MAX_WORKING_DAYS = 60


class QueueFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("搜索"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("姓名、完整的身份证号或手机号、受理号或单位名称；扫码枪扫受理号直接打开"),
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True, "autocomplete": "off"}),
    )
    unit = forms.CharField(
        label=gettext_lazy("单位"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("单位名称的一部分，或统一社会信用代码"),
    )
    item = forms.ModelChoiceField(label=gettext_lazy("事项"), queryset=Item.objects.all(), required=False)
    series = forms.ModelChoiceField(label=gettext_lazy("系列"), queryset=Series.objects.all(), required=False)
    state = forms.ChoiceField(label=gettext_lazy("状态"), choices=[("", "---------"), *State.choices], required=False)
    date_from = forms.DateField(
        label=gettext_lazy("提交日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=gettext_lazy("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.ChoiceField(
        label=gettext_lazy("范围"),
        choices=[("waiting", gettext_lazy("待我处理")), ("all", gettext_lazy("全部已提交"))],
        required=False,
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("排序"),
        choices=[("submitted", gettext_lazy("按提交时间")), ("waiting", gettext_lazy("等待最久的在前"))],
        required=False,
    )


class OfflineForm(forms.Form):
    unit = UnitLookupField(label=gettext_lazy("工作单位（全称或统一社会信用代码）"), max_length=200)
    real_name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    id_number = forms.CharField(label=gettext_lazy("身份证号码"), max_length=18)
    mobile = forms.CharField(label=gettext_lazy("手机号码"), max_length=11, validators=[validate_mobile])
    title = forms.ModelChoiceField(
        label=gettext_lazy("职称（系列 · 名称）"),
        queryset=TitleName.objects.select_related("series", "level").order_by("series__number", "-level__rank"),
    )
    note = forms.CharField(
        label=gettext_lazy("纸质材料核验情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).number


class NoticeOpenForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=gettext_lazy("公示人员"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("请选择公示人员。")},
    )
    title = forms.CharField(
        label=gettext_lazy("公示标题"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("留空则自动生成，如“关于张三等3人申报职称的公示”。"),
    )
    content = forms.CharField(label=gettext_lazy("公示内容"), widget=forms.Textarea(attrs={"rows": 5}))
    contact_person = forms.CharField(label=gettext_lazy("联系人"), max_length=50)
    phone = forms.CharField(
        label=gettext_lazy("联系电话"), max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    start_date = forms.DateField(label=gettext_lazy("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    working_days = forms.IntegerField(
        label=gettext_lazy("公示工作日数"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        help_text=gettext_lazy("按工作日计算，法定节假日不计入，调休上班日计入。"),
    )

    def __init__(self, *args, unit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = notices.applications_awaiting_notice(unit)
        self.initial.setdefault("content", _DEFAULT_CONTENT)
        self.initial.setdefault("contact_person", user.real_name)
        self.initial.setdefault("phone", unit.phone)
        self.initial.setdefault("start_date", timezone.localdate().isoformat())
        self.initial.setdefault("working_days", settings.NOTICE_MIN_WORKING_DAYS)

    def selected_ids(self) -> list[str]:
        return [str(v) for v in self.data.getlist("applications")] if self.is_bound else []


_DEFAULT_CONTENT = gettext_lazy(
    "根据职称评审工作有关规定，经本单位审核，现将以下人员申报职称的有关情况予以公示。"
    "公示期间，如对公示对象的申报材料、业绩成果等有异议，请以书面或电话形式向联系人反映。"
    "反映问题应实事求是，并提供真实姓名和联系方式。"
)


class NoticeConcludeForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("公示结果"),
        choices=[
            (NoticeResult.NO_OBJECTION, NoticeResult.NO_OBJECTION.label),
            (NoticeResult.OBJECTION_UPHELD, NoticeResult.OBJECTION_UPHELD.label),
        ],
        widget=forms.RadioSelect,
    )
    objections = forms.ModelMultipleChoiceField(
        label=gettext_lazy("异议成立人员"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("异议成立时勾选所涉人员；未勾选的人员视为公示无异议。"),
        error_messages={"invalid_choice": gettext_lazy("所选人员不在本次公示中。")},
    )
    note = forms.CharField(
        label=gettext_lazy("结果说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("异议成立时必填：异议内容及核实情况（只记入所涉人员的审核记录）。"),
    )

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["objections"]
        field.queryset = notice.applications.select_related("applicant", "title").order_by("applicant__real_name", "pk")
        field.label_from_instance = lambda a: f"{a.applicant.real_name}（{a.title.name}）"


def returnable_sections(item) -> list[tuple[str, str]]:
    """What a return can ask to change: the sections the item asks for (Item.sections), in page
    order, and the materials."""
    asked = set(asked_keys(item))
    return [*((key, label) for key, label in SECTION_ORDER if key in asked), ("materials", gettext_lazy("申报材料"))]


class NoticeCorrectForm(forms.Form):
    """Correct a published notice's period (the service checks the minimum and the dates)."""

    start_date = forms.DateField(
        label=gettext_lazy("公示开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("公示开始后不能更改开始日期。"),
    )
    working_days = forms.IntegerField(
        label=gettext_lazy("公示工作日数"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        help_text=gettext_lazy("可延长；缩短时不得少于法定的最少工作日数。"),
    )
    reason = forms.CharField(
        label=gettext_lazy("更正原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写更正原因。")},
        help_text=gettext_lazy("记入公示人员的审核记录，并通知公示人员。"),
    )

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("start_date", notice.start_date.isoformat())
        self.initial.setdefault("working_days", notice.working_days)
        if notice.start_date <= timezone.localdate():
            self.fields["start_date"].disabled = True


class NoticeWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤回原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写撤回原因。")},
        help_text=gettext_lazy("撤回后公示人员回到待公示，可重新发布公示。"),
    )


class DecisionForm(forms.Form):
    """One review step with its opinion; an empty opinion is the service's refusal to make. A
    return may name the sections to change; the unit's recommending step carries its
    recommendation text (基层单位意见). The sections offered are the application's item's own."""

    step = forms.CharField(max_length=64)
    opinion = forms.CharField(required=False, strip=False)  # a TextField: no limit
    expected_state = forms.CharField(required=False, max_length=64)
    sections = forms.MultipleChoiceField(
        label=gettext_lazy("需修改的栏目（退回修改时勾选，申报人的栏目菜单中会标出）"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recommendation = forms.CharField(
        label=gettext_lazy("基层单位意见"),
        required=False,  # a TextField: no limit, so nothing typed is dropped as "invalid"
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "推荐上报时填写：推荐意见如何形成（如经单位职称推荐工作小组或领导班子集体研究）、参与人员、"
            "公示情况及结果。随推荐一并保存，后续审核环节和申报表中可见，申报人无需再上传盖章的推荐意见表。"
        ),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = returnable_sections(application.item)

    def step_data(self) -> dict:
        valid = self.is_valid()
        data = self.cleaned_data if valid else {}
        if not valid:
            # A tampered section list ticks nothing; the step and opinion still count.
            data = {k: v for k, v in self.cleaned_data.items() if k not in ("sections",)}
        return {
            "step": data.get("step", ""),
            "opinion": data.get("opinion", ""),
            "expected_state": data.get("expected_state") or None,
            "sections": data.get("sections", []),
            "recommendation": data.get("recommendation", ""),
        }


class OriginalsForm(forms.Form):
    """The paper originals ticked at intake, as material ids (a tampered id ticks nothing)."""

    original = forms.Field(required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self._ids = data.getlist("original") if data is not None else []

    def material_ids(self) -> list[int]:
        try:
            return parse_application_ids(self._ids)
        except ValidationError:
            return []


def _count(label, help_text=""):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=999,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": 0, "max": 999}),
    )


class CommitteeVoteForm(forms.Form):
    """The sitting (members, present) and the three counts, posted beside the decision's step and
    opinion. Nothing here is required: the service refuses missing counts only after it has
    checked who is asking, and names the field."""

    members = _count(gettext_lazy("应到委员人数"), gettext_lazy("本次评审会议评委会委员总数。"))
    present = _count(gettext_lazy("实到委员人数"), gettext_lazy("出席会议并参加表决的委员人数。"))
    votes_for = _count(gettext_lazy("赞成票"))
    votes_against = _count(gettext_lazy("反对票"))
    abstentions = _count(gettext_lazy("弃权票"))

    COUNTS = ("members", "present", "votes_for", "votes_against", "abstentions")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def counts(self) -> dict[str, int]:
        """The five counts (blank is 0); -1 for all when any is not a count, which the service
        refuses only after it has checked who is asking."""
        if not self.is_valid():
            return dict.fromkeys(self.COUNTS, -1)
        return {name: self.cleaned_data.get(name) or 0 for name in self.COUNTS}


class BatchPassForm(forms.Form):
    """The queue's batch: the ticked applications, one opinion, and pass (the default), return or fail."""

    opinion = forms.CharField(required=True, error_messages={"required": gettext_lazy("批量处理也须填写审核意见。")})
    application = forms.Field(required=False)
    action = forms.ChoiceField(
        required=False,
        choices=[
            ("pass", gettext_lazy("通过")),
            ("return", gettext_lazy("退回修改")),
            ("fail", gettext_lazy("不通过")),
        ],
    )

    def chosen_action(self) -> str:
        return (self.cleaned_data.get("action") if hasattr(self, "cleaned_data") else "") or "pass"

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self._ids = data.getlist("application") if data is not None else []

    def clean_application(self):
        try:
            return parse_application_ids(self._ids)
        except ValidationError as error:  # tampered ids: said once, at the list
            raise ValidationError(error.messages, code="invalid") from error

    def refusal(self) -> str:
        """Why nothing can be passed, in the order the page has always said it: a tampered id,
        a missing opinion, nothing ticked; empty when the form is good."""
        if "application" in self.errors:
            return " ".join(self.errors["application"])
        if "opinion" in self.errors:
            return " ".join(self.errors["opinion"])
        if "action" in self.errors:
            return " ".join(self.errors["action"])
        if not self.cleaned_data.get("application"):
            return str(gettext_lazy("请勾选要处理的申报。"))
        return ""
