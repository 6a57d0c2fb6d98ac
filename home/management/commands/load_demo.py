from django.core.management.base import BaseCommand

from home.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET_TEXT, load_demo


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) and application windows, then print them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-applications", action="store_true", help="Only the accounts, no sample applications in the queues."
        )

    def handle(self, *args, **options):
        accounts = load_demo(with_applications=not options["no_applications"])
        self.stdout.write("")
        self.stdout.write("Demo accounts (log in with the ID number or the mobile number):")
        self.stdout.write(f"  {'role':<18}{'name':<6}{'ID number':<20}{'mobile':<13}organization")
        for a in accounts:
            self.stdout.write(f"  {a.role:<18}{a.real_name:<6}{a.id_number:<20}{a.mobile:<13}{a.organization}")
        self.stdout.write(f"  password for all: {DEMO_PASSWORD}")
        self.stdout.write(
            f"  staff roles also ask for a TOTP code: add the published demo secret {DEMO_TOTP_SECRET_TEXT}"
            " to any authenticator app (a demo only: never load demo data where real people log in)"
        )
        self.stdout.write("")
