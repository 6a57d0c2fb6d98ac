"""The data migration that moves application rows into person records (0008_personal_record),
run on a copy with a draft, a submitted and an approved application of the same person: back to
the schema before, rows written the old way, forward again, nothing lost and nothing doubled."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.models import Application, State
from tests.factories import ApplicationFactory, UserFactory

BEFORE = [("applications", "0007_queue_and_admin_indexes")]
CONTENT = {
    "education": ("degree", "academic_degree", "school", "major", "start_date", "graduation_date", "chsi_code"),
    "paper": ("title", "journal", "issue", "published_on", "rank", "issn"),
    "assessment": ("year", "result"),
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def content_of(rows, model_name):
    return {tuple(getattr(row, name) for name in CONTENT[model_name]) for row in rows}


# Migrating the whole schema back and forth takes minutes on SQLite (every altered table is
# rebuilt); production data lives on PostgreSQL, so .ci/run runs this in its PostgreSQL phase.
@pytest.mark.realstack
@pytest.mark.django_db(transaction=True)
def test_rows_move_to_the_person_record_without_loss(catalog):
    person = UserFactory()
    draft = ApplicationFactory(applicant=person, item_code="initial_recognition", state=State.DRAFT)
    filed = ApplicationFactory(applicant=person, item_code="evaluation", state=State.UNIT_REVIEW)
    approved = ApplicationFactory(applicant=person, item_code="mobile_confirmation", state=State.APPROVED)
    other_person_draft = ApplicationFactory(item_code="initial_recognition", state=State.DRAFT)
    snapshots = {a.pk: a.filed_content for a in (draft, filed, approved)}
    assert snapshots[filed.pk] and snapshots[approved.pk]
    try:
        old = migrate(BEFORE)
        Education = old.get_model("applications", "Education")
        Paper = old.get_model("applications", "Paper")
        Assessment = old.get_model("applications", "Assessment")
        same = {
            "degree": 5,
            "school": "云南大学",
            "major": "数学",
            "start_date": datetime.date(2010, 9, 1),
            "graduation_date": datetime.date(2013, 7, 1),
        }
        for application in (draft, filed, approved, other_person_draft):
            Education.objects.create(application_id=application.pk, **same)  # the same degree, filed each time
        Education.objects.create(application_id=draft.pk, **{**same, "degree": 6, "school": "北京大学"})
        paper = {"journal": "数学通报", "issue": "1", "published_on": datetime.date(2020, 1, 1), "rank": 1}
        Paper.objects.create(application_id=draft.pk, title="只在草稿里的论文", **paper)
        Paper.objects.create(application_id=filed.pk, title="两份都有的论文", **paper)
        Paper.objects.create(application_id=approved.pk, title="两份都有的论文", **paper)
        # The same year assessed differently in two applications: both are kept. (A year before
        # those the factory fills, which already has one row per application and year.)
        Assessment.objects.create(application_id=filed.pk, year=2019, result="excellent")
        Assessment.objects.create(application_id=approved.pk, year=2019, result="competent")
        before = {
            (name, a.pk): content_of(model.objects.filter(application_id=a.pk), name)
            for name, model in (("education", Education), ("paper", Paper), ("assessment", Assessment))
            for a in (draft, filed, approved, other_person_draft)
        }
        distinct = {
            name: set().union(*(rows for (n, a), rows in before.items() if n == name and a != other_person_draft.pk))
            for name in CONTENT
        }
    finally:
        new = migrate(leaves())
    Education = new.get_model("applications", "Education")
    Paper = new.get_model("applications", "Paper")
    Assessment = new.get_model("applications", "Assessment")
    for (name, application_id), rows in before.items():
        model = {"education": Education, "paper": Paper, "assessment": Assessment}[name]
        assert content_of(model.objects.filter(applications=application_id), name) == rows, (name, application_id)
    # Identical rows of the same person became one record row; other people keep their own.
    for name, model in (("education", Education), ("paper", Paper), ("assessment", Assessment)):
        assert model.objects.filter(person_id=person.pk).count() == len(distinct[name]), name
    assert Education.objects.get(person_id=person.pk, school="云南大学").applications.count() == 3
    assert Education.objects.filter(person_id=other_person_draft.applicant_id).count() == 1
    assert Paper.objects.get(title="两份都有的论文").applications.count() == 2
    assert Assessment.objects.filter(person_id=person.pk, year=2019).count() == 2
    # Submitted snapshots are not touched.
    for application in Application.objects.filter(pk__in=snapshots):
        assert application.filed_content == snapshots[application.pk]
