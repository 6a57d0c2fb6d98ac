"""Build applications for tests: started through the service, filled section by section."""

import datetime

from django.utils import timezone

from applications import services as filing
from applications.sample import fill_sample_application as fill_everything  # noqa: F401
from applications.sample import pdf_bytes, png_bytes, upload_required_materials  # noqa: F401
from portal.catalog.models import ApplicationWindow, Committee, Item, Level, Series, TitleName


def open_window(committee, *, days_left=30, year=None):
    now = timezone.now()
    return ApplicationWindow.objects.create(
        name=f"{committee.name}申报",
        committee=committee,
        year=year or now.year,
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=days_left),
    )


def teacher_evaluation(user, *, level_code="fugao"):
    """Start an evaluation for 中小学教师 at `level_code` before a fitting committee with an open window."""
    series = Series.objects.get(name="中小学教师")
    level = Level.objects.get(code=level_code)
    title = TitleName.objects.filter(series=series, level=level).first()
    committee = Committee.objects.filter(series=series, grade=filing.committee_grade_for(level)).first()
    if not ApplicationWindow.objects.open_at().filter(committee=committee).exists():
        open_window(committee)
    return filing.application_start(
        user=user,
        item=Item.objects.get(code="evaluation"),
        series=series,
        level=level,
        title=title,
        committee=committee,
    )
