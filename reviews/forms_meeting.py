"""Forms of the meeting (评审会议): roll call, chair, conflicts after the draw, ballots (the
expert's own and the office's paper ones) and the result notice."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .forms import MAX_WORKING_DAYS
from .models import BallotChoice


def _name(member) -> str:
    return member.expert.user.real_name


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=gettext_lazy("出席会议的专家"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("勾选到会签到的专家；未勾选的登记为缺席。缺席专家不能投票，也不能委托他人投票。"),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        members = list(members)
        self.fields["present"].choices = [(str(m.pk), _name(m)) for m in members]
        self.initial.setdefault("present", [str(m.pk) for m in members if m.present])

    def ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["present"]]


class ChairForm(forms.Form):
    chair = forms.ChoiceField(
        label=gettext_lazy("主任委员（签发人）"),
        required=False,
        help_text=gettext_lazy("从出席的专家中指定；不指定则由办事机构签发评审结果。"),
    )

    def __init__(self, *args, members, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", gettext_lazy("由办事机构签发"))]
        choices += [(str(m.pk), _name(m)) for m in members if m.present]
        self.fields["chair"].choices = choices
        chosen = next((m for m in members if current and m.expert.user_id == current), None)
        self.initial.setdefault("chair", str(chosen.pk) if chosen else "")

    def member_id(self) -> int | None:
        value = self.cleaned_data["chair"]
        return int(value) if value else None


class ConflictForm(forms.Form):
    member = forms.ChoiceField(label=gettext_lazy("专家"))
    application = forms.ChoiceField(label=gettext_lazy("涉及的申报"))
    note = forms.CharField(
        label=gettext_lazy("回避事由"),
        max_length=200,
        help_text=gettext_lazy("如：申报人是该专家的亲属、导师或学生、论文合作者。"),
        error_messages={"required": gettext_lazy("请填写回避事由。")},
    )

    def __init__(self, *args, members, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(str(m.pk), _name(m)) for m in members]
        self.fields["application"].choices = [(str(a.pk), a.applicant.real_name) for a in applications]


class PaperBallotForm(forms.Form):
    member = forms.ChoiceField(label=gettext_lazy("投票专家"))
    application = forms.ChoiceField(label=gettext_lazy("申报人"))
    choice = forms.ChoiceField(
        label=gettext_lazy("表决意见"),
        choices=BallotChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择同意、不同意或弃权。")},
    )

    def __init__(self, *args, members, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(str(m.pk), _name(m)) for m in members if m.present]
        self.fields["application"].choices = [(str(a.pk), a.applicant.real_name) for a in applications]


class BallotForm(forms.Form):
    choice = forms.ChoiceField(
        label=gettext_lazy("表决意见"),
        choices=BallotChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择同意、不同意或弃权。")},
    )


class ResultNoticeForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("公示标题"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("留空则自动生成，如“××评审委员会2026年度职称评审结果公示”。"),
    )
    content = forms.CharField(label=gettext_lazy("公示内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    contact_person = forms.CharField(label=gettext_lazy("联系人"), max_length=50)
    phone = forms.CharField(
        label=gettext_lazy("联系电话"), max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    start_date = forms.DateField(label=gettext_lazy("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    working_days = forms.IntegerField(
        label=gettext_lazy("公示工作日数"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        help_text=gettext_lazy("不少于5个工作日；法定节假日不计入，调休上班日计入。"),
    )

    def __init__(self, *args, user, phone="", **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("contact_person", user.real_name)
        self.initial.setdefault("phone", phone)
        self.initial.setdefault("start_date", timezone.localdate().isoformat())
        self.initial.setdefault("working_days", settings.NOTICE_MIN_WORKING_DAYS)
        self.initial.setdefault(
            "content",
            gettext_lazy(
                "经评审委员会评议、无记名投票表决，以下人员通过评审，现予公示。如有异议，请在公示期内向联系人反映。"
            ),
        )
