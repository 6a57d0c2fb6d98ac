from django.core.management.base import BaseCommand

from certificates.tasks import issue_missing_documents


class Command(BaseCommand):
    help = (
        "What beat's dispatcher does every minute: make the missing certificate and receipt jobs, and "
        "queue the jobs the broker never took and the stuck ones (heartbeat stopped, or never started)."
    )

    def handle(self, *args, **options):
        count = issue_missing_documents()
        self.stdout.write(f"{count} job(s) queued")
