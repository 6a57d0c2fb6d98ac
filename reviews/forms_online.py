"""Forms of the experts' online review (网络评审): the rubric's score sheet and the recusal."""

from django import forms
from django.utils.translation import gettext_lazy

from .online import MAX_COMMENT, CategoryScore


class ScoreSheetForm(forms.Form):
    """One points field and one comment field per rubric category, then the overall comment.
    Nothing is required here: a draft may be partial; the service checks a submission."""

    comment = forms.CharField(label=gettext_lazy("总体评价"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, categories, overall_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        comment = self.fields.pop("comment")
        for category in self.categories:
            self.fields[f"points_{category.pk}"] = forms.IntegerField(
                label=gettext_lazy("%(name)s（满分%(weight)d分）") % {"name": category.name, "weight": category.weight},
                required=False,
                help_text=category.guidance,
                widget=forms.NumberInput(attrs={"min": 0, "max": category.weight, "inputmode": "numeric"}),
            )
            self.fields[f"comment_{category.pk}"] = forms.CharField(
                label=gettext_lazy("%(name)s评语") % {"name": category.name},
                required=False,
                help_text=gettext_lazy("必填。") if category.comment_required else "",
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_COMMENT}),
            )
        comment.help_text = gettext_lazy("必填。") if overall_required else ""
        self.fields["comment"] = comment

    def scores(self) -> list[CategoryScore]:
        data = self.cleaned_data
        return [
            CategoryScore(c.pk, data.get(f"points_{c.pk}"), data.get(f"comment_{c.pk}") or "") for c in self.categories
        ]


class RecusalForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("回避事由"),
        max_length=200,
        help_text=gettext_lazy("如：申报人是本人的亲属、导师或学生、论文合作者。"),
        error_messages={"required": gettext_lazy("请填写回避事由。")},
    )
