from django.core.management.base import BaseCommand

from applications.rules_loader import load_catalog_and_rules


class Command(BaseCommand):
    help = "Load or update the catalogue (series, titles, committees, items, materials, HR offices)."

    def handle(self, *args, **options):
        counts = load_catalog_and_rules()
        self.stdout.write(
            "Catalogue: {levels} levels, {series} series, {titles} titles, {committees} committees, "
            "{items} items, {hr_offices} county/district HR offices, {rules} eligibility rules.".format(**counts)
        )
