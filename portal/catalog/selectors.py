from django.db.models import Prefetch, Q, QuerySet

from .models import Committee, CommitteeGrade, ExamOnlySeries, Item, Level, Series, TitleName


def committee_directory(*, query: str = "", series_id: int | None = None, level_code: str = "") -> QuerySet[Committee]:
    qs = Committee.objects.filter(is_active=True).select_related("series")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(scope__icontains=query) | Q(organizer__icontains=query))
    if series_id:
        qs = qs.filter(series_id=series_id)
    if level_code:
        grade = CommitteeGrade.INTERMEDIATE if level_code == "zhongji" else CommitteeGrade.SENIOR
        if level_code in ("zhongji", "fugao", "zhenggao"):
            qs = qs.filter(grade=grade)
        else:
            qs = qs.none()
    return qs.order_by("grade", "id")


def series_with_titles() -> QuerySet[Series]:
    return Series.objects.filter(is_active=True).prefetch_related(
        Prefetch("titles", queryset=TitleName.objects.select_related("level").order_by("track", "-level__rank"))
    )


def levels() -> QuerySet[Level]:
    return Level.objects.order_by("rank")


def online_items() -> QuerySet[Item]:
    return Item.objects.filter(is_active=True).prefetch_related("materials", "materials__series")


def exam_only_rules(*, item: Item, series: Series, level: Level, region_ids: list[int]) -> list[ExamOnlySeries]:
    """The exam-only rows that apply to this item, series and level for a unit in these regions
    (the unit's region and those above it, or every region), in the order they were entered."""
    rows = (
        ExamOnlySeries.objects.filter(is_active=True, series=series)
        .filter(Q(item__isnull=True) | Q(item=item))
        .filter(Q(region__isnull=True) | Q(region_id__in=region_ids))
        .select_related("region", "series", "max_level")
        .order_by("id")
    )
    return [row for row in rows if row.covers_level(level)]
