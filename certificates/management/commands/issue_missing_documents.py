from django.core.management.base import BaseCommand

from certificates.tasks import issue_missing_documents


class Command(BaseCommand):
    help = (
        "Queue the certificate of every approved application and the receipt of every accepted one "
        "that has none, and every document job left waiting (e.g. after a lost message)."
    )

    def handle(self, *args, **options):
        count = issue_missing_documents()
        self.stdout.write(f"{count} job(s) queued")
