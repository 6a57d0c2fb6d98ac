"""Who checked the originals of a person's record rows (已核验).

The unit's HR officer (unit recommendation) and the service-centre window (intake, the formal
check of the paper originals) check what was filed against the originals. When either passes an
application, the record rows it filed are marked verified by that reviewer and organisation, so
the person's next application shows them as verified. A row edited after it was filed is not
what the reviewer saw: it is left unverified (and an edit clears an earlier verification)."""

from django.utils import timezone

from .sections import RECORD_SECTIONS
from .services import stored_value
from .workflow.events import StepTaken

# The steps whose reviewer checks the paper originals, and the organisation that checked.
VERIFYING_STEPS = {
    "unit_recommend": lambda application: application.unit,
    "window_accept": lambda application: application.acceptance_window,
}


def on_step(event: StepTaken) -> None:
    organization_of = VERIFYING_STEPS.get(event.step)
    if organization_of is None or event.actor is None:
        return
    record_rows_verify(
        application=event.application, reviewer=event.actor, organization=organization_of(event.application)
    )


def record_rows_verify(*, application, reviewer, organization) -> int:
    """Mark the application's selected record rows that still read as filed as verified; runs
    inside the step's transaction. Returns how many rows were marked."""
    content = application.filed_content or {}
    moment = timezone.now()
    marked = 0
    for key, section in RECORD_SECTIONS.items():
        filed = content.get(key)
        if not isinstance(filed, list):
            continue
        fields = section.form._meta.fields
        filed_rows = [{k: row.get(k, "") for k in fields} for row in filed if isinstance(row, dict)]
        same = [
            row.pk
            for row in section.rows(application).filter(verified_at__isnull=True)
            if {k: stored_value(row, k) for k in fields} in filed_rows
        ]
        marked += section.model.objects.filter(pk__in=same).update(
            verified_by=reviewer, verified_org=organization, verified_at=moment
        )
    return marked
