"""How a current title was obtained is stored as a code and translated at display."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from applications.models import CurrentTitle
from tests.factories import ApplicationFactory

migration = importlib.import_module("applications.migrations.0004_current_title_obtained_by_code")


@pytest.fixture
def application(demo):
    return ApplicationFactory()


def test_the_migration_turns_stored_words_into_codes_and_back(application):
    title = CurrentTitle.objects.create(application=application, has_title=True, obtained_by="评审")
    migration.words_to_codes(apps, None)
    title.refresh_from_db()
    assert title.obtained_by == "evaluation"
    migration.codes_to_words(apps, None)
    title.refresh_from_db()
    assert title.obtained_by == "评审"


def test_the_label_follows_the_language(application):
    title = CurrentTitle.objects.create(application=application, has_title=True, obtained_by="exam")
    assert title.get_obtained_by_display() == "考试"
    with translation.override("en"):
        assert title.get_obtained_by_display() != "考试"
