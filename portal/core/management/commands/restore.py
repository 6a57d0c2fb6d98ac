from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.core import backup


class Command(BaseCommand):
    help = "Restore a backup archive onto this install (migrated, same version): replaces every row and stored file."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing everything")

    def handle(self, *args, archive: Path, yes: bool, **options):
        if not yes and input(f"Replace every row and file here with {archive}? [y/N] ").strip().lower() != "y":
            raise CommandError("not restored")
        try:
            manifest = backup.restore(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"restore: {archive}: {rows} rows, {manifest['files']} files from {manifest['created_at']}")
