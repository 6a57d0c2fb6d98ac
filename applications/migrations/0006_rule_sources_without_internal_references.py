"""Rule sources loaded before carried the project's own seed references ("（种子003）") into
what applicants read as the basis of a verdict; the loader now keeps them out (provenance),
and this strips them from rules already in the database."""

import re

from django.db import migrations

SEED_REFERENCE = re.compile(r"（种子\d+[^）]*）|，种子文件中没有此条")


def strip_seed_references(apps, schema_editor):
    for name in ("EligibilityRule", "TrainingHoursRule"):
        model = apps.get_model("applications", name)
        for rule in model.objects.filter(source__contains="种子"):
            rule.source = SEED_REFERENCE.sub("", rule.source).strip()
            rule.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_application_filed_photo"),
    ]

    operations = [migrations.RunPython(strip_seed_references, migrations.RunPython.noop)]
