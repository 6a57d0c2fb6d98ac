"""Two reviewers at once, on PostgreSQL (SQLite serialises writers, so it proves nothing there)."""

import threading

import pytest
from django.db import connection

from applications.models import Action, Application, State
from applications.workflow import services
from tests.factories import member
from tests.workflow_helpers import step, submitted, user

pytestmark = [pytest.mark.realstack("postgres"), pytest.mark.django_db(transaction=True)]


def run_at_once(functions):
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def runner(i, function):
        try:
            barrier.wait()
            results[i] = ("ok", function())
        except Exception as error:  # noqa: BLE001 - the outcome is what we compare
            results[i] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_reviewers_approving_at_once_make_one_transition(demo):
    application = step(submitted("mobile_confirmation"), "unit_hr", "unit_recommend")
    second = member("dept_reviewer", application.unit.parent)
    results = run_at_once(
        [
            lambda: services.fire(
                application_id=application.pk,
                user=user("dept_reviewer"),
                step="department_pass",
                opinion="同意",
                expected_state=State.DEPARTMENT_REVIEW,
            ),
            lambda: services.fire(
                application_id=application.pk,
                user=second,
                step="department_pass",
                opinion="同意",
                expected_state=State.DEPARTMENT_REVIEW,
            ),
        ]
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, services.WorkflowRefused) and "已由他人处理" in error.message
    application = Application.objects.get(pk=application.pk)
    assert application.state == State.WINDOW_INTAKE
    assert application.records.filter(action=Action.PASS).count() == 1


def test_acceptance_numbers_are_gap_free_under_concurrency(demo):
    unit = user("unit_hr").memberships.get().organization
    applications = [
        step(submitted("initial_recognition", member("applicant", unit)), "unit_hr", "unit_recommend") for _ in range(4)
    ]
    results = run_at_once(
        [
            (
                lambda a=a: services.fire(
                    application_id=a.pk, user=user("window_staff"), step="window_accept", opinion="原件一致"
                )
            )
            for a in applications
        ]
    )
    assert all(kind == "ok" for kind, _ in results), results
    numbers = sorted(int(value.acceptance_number[-7:]) for _, value in results)
    assert numbers == list(range(numbers[0], numbers[0] + 4))
