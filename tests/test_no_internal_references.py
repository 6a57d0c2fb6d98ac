"""Applicant-facing text names the real document a rule comes from, never the project's own
reference to its research material (the seeds)."""

import importlib
import json

from django.apps import apps

from applications.models import EligibilityRule, TrainingHoursRule
from applications.rules_loader import RULES_FILE

migration = importlib.import_module("applications.migrations.0006_rule_sources_without_internal_references")


def test_the_rules_file_keeps_seed_references_out_of_the_sources():
    data = json.loads(RULES_FILE.read_text())
    rows = data["eligibility_rules"] + data["training_hours_rules"]
    assert rows
    assert [row["name"] for row in rows if "种子" in row.get("source", "")] == []


def test_loaded_rules_carry_no_seed_reference(demo):
    sources = list(EligibilityRule.objects.values_list("source", flat=True))
    sources += list(TrainingHoursRule.objects.values_list("source", flat=True))
    assert sources and not [s for s in sources if "种子" in s]


def test_the_migration_strips_references_from_rules_loaded_before(demo):
    rule = EligibilityRule.objects.exclude(source="").first()
    rule.source = "《昆明市职称评审申报指南(2022版)》二、第12问(2)认定标准（种子003）"
    rule.save()
    migration.strip_seed_references(apps, None)
    rule.refresh_from_db()
    assert rule.source == "《昆明市职称评审申报指南(2022版)》二、第12问(2)认定标准"
