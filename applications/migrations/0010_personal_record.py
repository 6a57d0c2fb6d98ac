"""The personal record (个人业务档案): education, study and work history, projects, patents,
awards, books, papers, continuing education, annual assessments and exams move from one
application to the person. Each application keeps the rows it uses as a selection (and, for the
works, which are its representative works).

Existing rows become the applicant's record rows; identical rows of the same person filed with
several applications become one row selected by each of them, so nothing is lost and nothing is
doubled. Submitted applications keep their frozen `filed_content` (not touched here). Going back
gives every selecting application its own copy again; record rows no application selected are
dropped then (the earlier schema has no place for them)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Concrete model, reverse name on Application, whether it can be a representative work.
RECORD_MODELS = [
    ("education", "educations", False),
    ("studyhistory", "studies", False),
    ("workhistory", "jobs", False),
    ("project", "projects", True),
    ("patent", "patents", True),
    ("award", "awards", True),
    ("book", "books", True),
    ("paper", "papers", True),
    ("continuingeducation", "trainings", False),
    ("assessment", "assessments", False),
    ("exam", "exams", False),
]
NOT_CONTENT = {"id", "application", "person", "verified_by", "verified_org", "verified_at"}


def _content_fields(model):
    return [f.attname for f in model._meta.concrete_fields if f.name not in NOT_CONTENT]


def rows_to_record(apps, schema_editor):
    for model_name, _related, _works in RECORD_MODELS:
        model = apps.get_model("applications", model_name)
        link = model.applications.through
        own = f"{model_name}_id"
        fields = _content_fields(model)
        keepers, duplicates, links = {}, [], set()
        rows = model.objects.select_related("application").order_by("id")
        for row in rows.iterator():
            person = row.application.applicant_id
            key = (person, tuple(getattr(row, name) for name in fields))
            keeper = keepers.get(key)
            if keeper is None:
                keepers[key] = keeper = row.pk
                model.objects.filter(pk=row.pk).update(person_id=person)
            else:
                duplicates.append(row.pk)
            links.add((keeper, row.application_id))
        link.objects.bulk_create([link(**{own: row, "application_id": app}) for row, app in sorted(links)])
        model.objects.filter(pk__in=duplicates).delete()


def record_to_rows(apps, schema_editor):
    for model_name, _related, _works in RECORD_MODELS:
        model = apps.get_model("applications", model_name)
        link = model.applications.through
        own = f"{model_name}_id"
        for row_id, application_id in link.objects.order_by("id").values_list(own, "application_id"):
            row = model.objects.get(pk=row_id)
            if row.application_id is None:
                model.objects.filter(pk=row_id).update(application_id=application_id)
            else:
                row.pk = row.id = None
                row._state.adding = True
                row.application_id = application_id
                row.save()
        model.objects.filter(application__isnull=True).delete()


def _before(model_name, related, works):
    operations = [
        migrations.AlterField(
            model_name=model_name,
            name="application",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="applications.application",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="person",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="本人",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="verified_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="核验人",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="verified_org",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="organizations.organization",
                verbose_name="核验单位",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="核验时间"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="applications",
            field=models.ManyToManyField(
                blank=True, related_name=related, to="applications.application", verbose_name="用于申报"
            ),
        ),
    ]
    if works:
        operations.append(
            migrations.AddField(
                model_name=model_name,
                name="representative_in",
                field=models.ManyToManyField(
                    blank=True,
                    related_name=f"representative_{related}",
                    to="applications.application",
                    verbose_name="作为代表作的申报",
                ),
            )
        )
    return operations


def _after(model_name):
    return [
        migrations.RemoveField(model_name=model_name, name="application"),
        migrations.AlterField(
            model_name=model_name,
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="本人",
            ),
        ),
    ]


class Migration(migrations.Migration):
    # PostgreSQL refuses to ALTER a table with pending deferred-constraint triggers in the same
    # transaction as the rows moved into it ("pending trigger events"): the schema steps run on
    # their own and the data step in its own transaction.
    atomic = False

    dependencies = [
        ("applications", "0009_draft_inputs_kept_by_autosave"),
        ("organizations", "0003_merge_0002_join_requests_0002_role_committee_expert"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # A person may have filed the same year differently in two applications: both rows are
        # kept (the record page asks to settle it); one row per year is checked by the forms.
        migrations.RemoveConstraint(model_name="continuingeducation", name="training_one_per_year"),
        migrations.RemoveConstraint(model_name="assessment", name="assessment_one_per_year"),
        *[op for spec in RECORD_MODELS for op in _before(*spec)],
        migrations.RunPython(rows_to_record, record_to_rows, atomic=True),
        *[op for model_name, _related, _works in RECORD_MODELS for op in _after(model_name)],
    ]
