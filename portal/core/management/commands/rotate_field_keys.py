from django.core.management.base import BaseCommand, CommandError

from portal.core import key_rotation
from portal.core.crypto import FieldDecryptionError, keyring


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted ID number, mobile and filed snapshot under the first key of "
        "FIELD_ENCRYPTION_KEYS (in batches; safe to stop and run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="rewrite every row and recompute every blind index (after changing BLIND_INDEX_KEY)",
        )

    def handle(self, *args, batch_size: int, reindex: bool, **options):
        self.stdout.write(f"rotate_field_keys: current key {keyring().current!r}")
        try:
            done = key_rotation.rotate(batch_size=batch_size, reindex=reindex)
        except FieldDecryptionError as error:
            raise CommandError(f"{error} Nothing after the last finished batch was changed.") from None
        for label, count in done.items():
            self.stdout.write(f"  {label}: {count} rows re-encrypted")
        self.stdout.write(f"rotate_field_keys: {sum(done.values())} rows re-encrypted")
