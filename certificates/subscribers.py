"""How certificates react to the workflow (subscribed in CertificatesConfig.ready()): an approval
makes the certificate, an acceptance the receipt, each queued after the step commits. A job lost
between commit and broker is caught by the beat task tasks.issue_missing_documents."""

from django.db import transaction

from applications.workflow.events import StepTaken

from .tasks import issue_acceptance_receipt, issue_certificate


def on_step(event: StepTaken) -> None:
    application_id = event.application.pk
    if event.approved:
        transaction.on_commit(lambda: issue_certificate.delay(application_id), robust=True)
    if event.accepted:
        transaction.on_commit(lambda: issue_acceptance_receipt.delay(application_id), robust=True)
