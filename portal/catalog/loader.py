"""Load the catalogue (levels, series, titles, committees, items, materials) and the Kunming
organisation skeleton (city bureau, window, county/district HR offices) from the JSON files in
data/. Idempotent: running it again updates rows in place and never duplicates them."""

import json
from pathlib import Path

from django.db import transaction

from portal.organizations.models import Organization, OrgKind, OrgStatus, Region

from .models import Committee, ExamOnlySeries, Item, Level, MaterialRequirement, Series, TitleName

DATA = Path(__file__).resolve().parent / "data"

# GB/T 2260 codes of Kunming's districts and counties; development zones have none.
KUNMING_DISTRICT_CODES = {
    "五华区": "530102",
    "盘龙区": "530103",
    "官渡区": "530111",
    "西山区": "530112",
    "东川区": "530113",
    "呈贡区": "530114",
    "晋宁区": "530115",
    "富民县": "530124",
    "宜良县": "530125",
    "石林彝族自治县": "530126",
    "嵩明县": "530127",
    "禄劝彝族苗族自治县": "530128",
    "寻甸回族彝族自治县": "530129",
    "安宁市": "530181",
}
CITY_BUREAU = "昆明市人力资源和社会保障局"
CITY_WINDOW = "昆明市政务服务中心人才服务“单一窗口”"


def _read(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _district_for(office_name: str, city: Region) -> Region:
    for district, code in KUNMING_DISTRICT_CODES.items():
        short = district[:2]
        if office_name.startswith(short):
            region, _ = Region.objects.update_or_create(parent=city, name=district, defaults={"code": code})
            return region
    # Development zones and state companies: the zone is named before 党群工作部/企业综合服务部 etc.
    for marker in ("党群工作部", "企业综合服务部", "有限公司"):
        if marker in office_name:
            zone = office_name.split(marker)[0].removeprefix("中共").removesuffix("工作委员会")
            region, _ = Region.objects.get_or_create(parent=city, name=zone)
            return region
    return city


@transaction.atomic
def load_catalog() -> dict:
    kunming = _read("kunming.json")
    items = _read("items.json")
    counts = {}

    levels = {}
    for row in kunming["levels"]:
        levels[row["code"]], _ = Level.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "rank": row["rank"]}
        )
    counts["levels"] = len(levels)

    series_by_name = {}
    exam_series = set(items["national_exam_series"])
    title_count = 0
    for row in kunming["series"]:
        series, _ = Series.objects.update_or_create(
            number=row["number"], defaults={"name": row["name"], "has_national_exam": row["name"] in exam_series}
        )
        series_by_name[row["name"]] = series
        for track_no, track in enumerate(row["tracks"], start=1):
            for level_code, title in track["titles"].items():
                TitleName.objects.update_or_create(
                    series=series, level=levels[level_code], name=title, defaults={"track": track_no}
                )
                title_count += 1
    counts["series"] = len(series_by_name)
    counts["titles"] = title_count

    for row in kunming["committees"]:
        Committee.objects.update_or_create(
            name=row["name"],
            defaults={
                "grade": row["grade"],
                "series": series_by_name.get(row["series"]),
                "scope": row["scope"],
                "organizer": row["organizer"],
                "phone": row["phone"],
                "review_month": row["review_month"],
                "notes": row.get("notes", ""),
            },
        )
    counts["committees"] = len(kunming["committees"])

    for order, row in enumerate(items["items"], start=1):
        item, _ = Item.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row["short_name"],
                "description": row["description"],
                "stages": row["stages"],
                "online": row["online"],
                "needs_committee": row["needs_committee"],
                "obtained_by": row["obtained_by"],
                "sections": row.get("sections", []),
                "order": order,
            },
        )
        item.full_clean()
        groups = [(None, row["materials"])] + [
            (series_by_name[name], rows) for name, rows in row.get("series_materials", {}).items()
        ]
        for series, rows in groups:
            for material_order, material in enumerate(rows, start=1):
                MaterialRequirement.objects.update_or_create(
                    item=item,
                    series=series,
                    name=material["name"],
                    defaults={
                        "description": material.get("description", ""),
                        "required": material.get("required", True),
                        "needs_current_title": material.get("needs_current_title", False),
                        "order": material_order,
                    },
                )
        # Materials no longer asked of the applicant (the unit's recommendation is written by its
        # HR officer at the unit's review): gone from the checklist; one already uploaded stays
        # with its application, as an optional slot.
        retired = MaterialRequirement.objects.filter(item=item, series=None, name__in=row.get("retired_materials", []))
        retired.filter(uploads__isnull=False).update(required=False)
        retired.filter(uploads__isnull=True).delete()
    counts["items"] = len(items["items"])

    yunnan, _ = Region.objects.update_or_create(parent=None, name="云南省", defaults={"code": "530000"})
    city, _ = Region.objects.update_or_create(parent=yunnan, name="昆明市", defaults={"code": "530100"})
    bureau, _ = Organization.objects.update_or_create(
        kind=OrgKind.BUREAU,
        name=CITY_BUREAU,
        defaults={"region": city, "phone": "0871-63195300"},
        create_defaults={"region": city, "phone": "0871-63195300", "status": OrgStatus.APPROVED},
    )
    Organization.objects.update_or_create(
        kind=OrgKind.WINDOW,
        name=CITY_WINDOW,
        defaults={"region": city, "parent": bureau, "address": "昆明市呈贡区市级行政中心政务服务大厅"},
        create_defaults={
            "region": city,
            "parent": bureau,
            "address": "昆明市呈贡区市级行政中心政务服务大厅",
            "status": OrgStatus.APPROVED,
        },
    )
    for row in kunming["hr_offices"]:
        fields = {
            "region": _district_for(row["name"], city),
            "parent": bureau,
            "scope": row["scope"],
            "phone": row["phone"],
        }
        Organization.objects.update_or_create(
            kind=OrgKind.DEPARTMENT,
            name=row["name"],
            address=row["address"],
            defaults=fields,
            create_defaults={**fields, "status": OrgStatus.APPROVED},
        )
    counts["hr_offices"] = len(kunming["hr_offices"])
    counts["exam_only_series"] = load_exam_only_series()
    return counts


def _region_path(path: list[str] | None, codes: dict) -> Region | None:
    region = None
    for name in path or []:
        region, _ = Region.objects.get_or_create(parent=region, name=name, defaults={"code": codes.get(name, "")})
    return region


def load_exam_only_series() -> int:
    """The exam-only series per region and item (data/exam_only.json), matched by region, item,
    series and speciality; rows added in the admin are left alone."""
    data = _read("exam_only.json")
    codes = data.get("region_codes", {})
    count = 0
    for row in data["rows"]:
        for item_code in row["items"]:
            ExamOnlySeries.objects.update_or_create(
                region=_region_path(row.get("region"), codes),
                item=Item.objects.get(code=item_code),
                series=Series.objects.get(name=row["series"]),
                speciality=row.get("speciality", ""),
                defaults={
                    "max_level": Level.objects.get(code=row["max_level"]) if row.get("max_level") else None,
                    "source": row["source"],
                },
            )
            count += 1
    return count
