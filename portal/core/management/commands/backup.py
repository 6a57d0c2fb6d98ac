from pathlib import Path

from django.core.management.base import BaseCommand

from portal.core import backup


class Command(BaseCommand):
    help = "Back up the database, the stored files and the secret settings into one archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="where to write the .tar.gz (readable by its owner only)")

    def handle(self, *args, archive: Path, **options):
        manifest = backup.create(archive)
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"backup: {archive}: {rows} rows, {manifest['files']} files, {manifest['created_at']}")
