"""The sections of an application (DOMAIN §4): how each is edited, whether it is required, and
how it appears in the filed content. One table, so pages, checklist and snapshot agree."""

from dataclasses import dataclass

from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from . import forms as f
from . import models as m
from .navigation import SECTION_ORDER

LABELS = dict(SECTION_ORDER)


# Rows a post may carry beyond a section's cap and still be shown back as typed (with the error
# at the section); a post claiming more is refused before any row form is built.
ROWS_OVER_CAP_SHOWN = 10


@dataclass(frozen=True)
class RowsSection:
    """Repeating rows (education, work history, papers …), at most `max_rows` of them: what a
    real application needs, with room to spare (a career's papers, every year's training)."""

    key: str
    model: type
    form: type
    related_name: str
    min_rows: int = 0
    max_rows: int = 50
    unique_field: str | None = None
    formset_base: type = f.RowsFormSet
    kind: str = "rows"
    # Works an evaluation may mark as its representative works (代表作).
    works: bool = False
    # Only rows of the last `recent_years` years before the application year are asked for.
    recent_years: int | None = None

    @property
    def label(self):
        return LABELS[self.key]

    def formset_class(self):
        base = type(
            f"{self.model.__name__}FormSet",
            (self.formset_base,),
            {
                "min_rows": max(self.min_rows, self.formset_base.min_rows),
                "unique_field": self.unique_field,
                "section": self,
                "works_siblings": tuple(WORKS_SECTIONS.values()),
            },
        )
        return modelformset_factory(
            self.model,
            form=self.form,
            formset=base,
            extra=0,
            can_delete=True,
            max_num=self.max_rows,
            validate_max=True,
            absolute_max=self.max_rows + min(ROWS_OVER_CAP_SHOWN, self.max_rows),
        )

    def rows(self, application):
        """The rows of the person's record this application uses (its selection)."""
        return getattr(application, self.related_name).all()

    def record_rows(self, person):
        """Every row of this section in the person's record."""
        return self.model.objects.filter(person=person).select_related("verified_org")

    def offered_rows(self, application):
        """The record rows an application's page offers to use: all, or the recent years only."""
        rows = self.record_rows(application.applicant_id)
        if self.recent_years:
            rows = rows.filter(year__gte=application.year - self.recent_years)
        return rows

    def representative(self, application):
        return getattr(application, f"representative_{self.related_name}").all()


@dataclass(frozen=True)
class PageSection:
    """A section with its own handling: basic info, current title, statements, commitment."""

    key: str
    kind: str
    min_rows: int = 0

    @property
    def label(self):
        return LABELS[self.key]


SECTIONS = {
    s.key: s
    for s in [
        PageSection("basic", "profile"),
        PageSection("current_title", "current_title"),
        RowsSection("education", m.Education, f.EducationForm, "educations", min_rows=1, max_rows=10),
        RowsSection("study", m.StudyHistory, f.StudyForm, "studies", min_rows=1, max_rows=20),
        RowsSection("work", m.WorkHistory, f.WorkForm, "jobs", min_rows=1, max_rows=30, formset_base=f.WorkFormSet),
        PageSection("summary", "statement"),
        PageSection("main_work", "statement"),
        RowsSection("projects", m.Project, f.ProjectForm, "projects", works=True),
        RowsSection("patents", m.Patent, f.PatentForm, "patents", works=True),
        RowsSection("awards", m.Award, f.AwardForm, "awards", works=True),
        RowsSection("books", m.Book, f.BookForm, "books", max_rows=30, works=True),
        RowsSection("papers", m.Paper, f.PaperForm, "papers", max_rows=100, works=True),
        # One row per year: a whole career.
        RowsSection("training", m.ContinuingEducation, f.TrainingForm, "trainings", min_rows=1, unique_field="year"),
        # Only the last five years count (AssessmentForm), one row each.
        RowsSection(
            "assessments",
            m.Assessment,
            f.AssessmentForm,
            "assessments",
            min_rows=1,
            max_rows=10,
            unique_field="year",
            recent_years=5,
        ),
        RowsSection("exams", m.Exam, f.ExamForm, "exams", max_rows=20),
        PageSection("commitment", "commitment"),
    ]
}
assert list(SECTIONS) == [key for key, _label in SECTION_ORDER]

RECORD_SECTIONS = {key: s for key, s in SECTIONS.items() if s.kind == "rows"}
WORKS_SECTIONS = {key: s for key, s in RECORD_SECTIONS.items() if s.works}


def asked_keys(item) -> list[str]:
    """The sections an item asks for, in page order (catalogue data; empty means every one).
    Keys the catalogue names that are no section are ignored."""
    wanted = set(item.sections or [])
    return [key for key in SECTIONS if not wanted or key in wanted]


def commitment_at_submission(item) -> bool:
    """Items whose sections leave out the commitment page confirm it with the submission."""
    return "commitment" not in asked_keys(item)


STATEMENT_KINDS = {"summary": m.Statement.Kind.SUMMARY, "main_work": m.Statement.Kind.MAIN_WORK}

COMMITMENT_VERSION = "2026-1"
COMMITMENT_TEXT = _(
    "本人郑重承诺：所填报的个人信息、学历、资历、业绩成果及上传的申报材料全部真实、准确、完整，"
    "无伪造、变造、剽窃等情形。如有弄虚作假，本人自愿承担相应责任：由人力资源社会保障部门撤销"
    "所取得的职称，记入职称评审诚信档案库，纳入全国信用信息共享平台，记录期限为3年，"
    "3年内不得申报职称。"
)
