from django.db.models import Prefetch, Q, QuerySet

from .models import Committee, CommitteeGrade, Item, Level, Series, TitleName


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
