"""The window's desk (issue 15 part 3): accepting without an opinion, the paper originals the
clerk ticks, the receipt that lists only those, search and the scanner, the queue's export."""

import pytest

from applications.models import Action, State
from tests.workflow_helpers import at, step

pytestmark = pytest.mark.django_db


def test_accepting_needs_no_opinion(demo):
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    application = step(application, "window_staff", "window_accept", "")
    assert application.state == State.BUREAU_APPROVAL and application.acceptance_number
    assert application.records.filter(action=Action.ACCEPT).count() == 1
