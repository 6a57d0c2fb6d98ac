"""How certificates react to the workflow (subscribed in CertificatesConfig.ready()): an approval
makes the certificate's job, an acceptance the receipt's, in the step's transaction, each published
after the step commits. A job the broker could not take is published by the beat task
tasks.dispatch_document_jobs within a minute of the broker coming back."""

from applications.workflow.events import StepTaken

from . import services


def on_step(event: StepTaken) -> None:
    if event.approved or event.accepted:
        services.step_documents_queue(
            application_id=event.application.pk, certificate=event.approved, receipt=event.accepted
        )
