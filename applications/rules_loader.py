"""Load the eligibility and continuing-education rules (DOMAIN §5) from data/eligibility_rules.json.

Idempotent: rules are matched by name and updated in place; regions named by a path such as
["云南省", "昆明市"] are matched by name within their parent and created when missing. Rules added
in the admin under other names are left alone. Needs the catalogue (items, levels, series) loaded.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from portal.catalog.loader import load_catalog
from portal.catalog.models import Item, Level, Series
from portal.organizations.models import Region

from .models import CountedTo, EligibilityRule, TrainingHoursRule

RULES_FILE = Path(__file__).resolve().parent / "data" / "eligibility_rules.json"


class RulesDataError(ValueError):
    """The rules file names an item, level or series the catalogue does not have."""


def _region(path: list[str] | None, codes: dict[str, str], cache: dict) -> Region | None:
    if not path:
        return None
    key = tuple(path)
    if key not in cache:
        parent = None
        for depth, name in enumerate(path, start=1):
            parent, _ = Region.objects.get_or_create(parent=parent, name=name, defaults={"code": codes.get(name, "")})
            cache[tuple(path[:depth])] = parent
    return cache[key]


def _lookup(model, cache: dict, **key):
    ((field, value),) = key.items()
    if value is None:
        return None
    if (field, value) not in cache:
        try:
            cache[(field, value)] = model.objects.get(**key)
        except model.DoesNotExist as error:
            raise RulesDataError(f"{model._meta.verbose_name}“{value}”不存在，请先载入目录数据。") from error
    return cache[(field, value)]


@transaction.atomic
def load_eligibility_rules(path: Path = RULES_FILE) -> int:
    """Create or update the rules in `path`; returns how many rules (of both kinds) it holds."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    codes = data.get("region_codes", {})
    regions: dict = {}
    found: dict = {}

    for row in data["eligibility_rules"]:
        EligibilityRule.objects.update_or_create(
            name=row["name"],
            defaults={
                "item": _lookup(Item, found, code=row["item"]),
                "region": _region(row.get("region"), codes, regions),
                "series": _lookup(Series, found, name=row.get("series")),
                "level": _lookup(Level, found, code=row["level"]),
                "min_degree": row.get("min_degree"),
                "min_years_after_degree": Decimal(str(row.get("min_years_after_degree", 0))),
                "required_current_level": _lookup(Level, found, code=row.get("required_current_level")),
                "min_years_at_current_level": Decimal(str(row.get("min_years_at_current_level", 0))),
                "excludes_exam_series": row.get("excludes_exam_series", False),
                "binding": row.get("binding", True),
                "counted_to": row.get("counted_to", CountedTo.APPLICATION_DATE),
                "source": row.get("source", ""),
            },
        )

    for row in data["training_hours_rules"]:
        TrainingHoursRule.objects.update_or_create(
            name=row["name"],
            defaults={
                "region": _region(row.get("region"), codes, regions),
                "min_level": _lookup(Level, found, code=row["min_level"]),
                "max_level": _lookup(Level, found, code=row["max_level"]),
                "hours_per_year": row["hours_per_year"],
                "public_share_percent": row.get("public_share_percent", 0),
                "years": row.get("years", 5),
                "binding": row.get("binding", False),
                "source": row.get("source", ""),
            },
        )

    return len(data["eligibility_rules"]) + len(data["training_hours_rules"])


def load_catalog_and_rules() -> dict:
    """The catalogue (portal.catalog.loader), then the eligibility rules that refer to it."""
    counts = load_catalog()
    counts["rules"] = load_eligibility_rules()
    return counts
