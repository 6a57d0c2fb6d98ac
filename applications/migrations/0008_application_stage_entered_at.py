"""Application.stage_entered_at: when the application entered its current state, so the queues'
"longest waiting" order is an index scan instead of a subquery per row (docs/BENCHMARKS.md).
Filled for existing applications from their history: the last audit record that changed the
state (a notice's opening or result does not), else the submission."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from portal.core.migration_operations import AddIndexConcurrentlyOnPostgres


def backfill(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    ReviewRecord = apps.get_model("applications", "ReviewRecord")
    last_change = (
        ReviewRecord.objects.filter(application=OuterRef("pk"))
        .exclude(from_state=F("to_state"))
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    Application.objects.filter(submitted_at__isnull=False).update(
        stage_entered_at=Coalesce(Subquery(last_change), F("submitted_at"))
    )


def waiting_index(name, condition):
    return AddIndexConcurrentlyOnPostgres(
        model_name="application",
        index=models.Index(condition=condition, fields=["stage_entered_at", "id"], name=name),
    )


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction (PostgreSQL); the backfill runs in one.
    atomic = False

    dependencies = [
        ("applications", "0007_queue_and_admin_indexes"),
        ("catalog", "0004_committee_hides_identity_in_review"),
        ("organizations", "0004_committee_office"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="stage_entered_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="进入当前环节时间"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, atomic=True),
        waiting_index("application_waiting_unit", models.Q(("state__in", ["unit_review", "unit_notice"]))),
        waiting_index("application_waiting_department", models.Q(("state__in", ["department_review"]))),
        waiting_index("application_waiting_window", models.Q(("state__in", ["window_intake"]))),
        waiting_index("application_waiting_bureau", models.Q(("state__in", ["bureau_approval", "committee_review"]))),
        waiting_index("application_waiting_filed", models.Q(("submitted_at__isnull", False))),
    ]
