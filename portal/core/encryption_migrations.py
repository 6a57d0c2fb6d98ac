"""Data migrations that encrypt clear columns in place (and fill their blind indexes), and back.

Each app's migration first turns the column into a plain text column and adds the index column
(nullable), runs `EncryptColumns`, then declares the encrypted field types (no SQL). Reversing
decrypts and empties the indexes before the columns shrink back."""

from django.db import migrations

from . import crypto

BATCH = 500


def _rows(model, using):
    """Every row in primary-key order, a batch at a time (no cursor held across the writes)."""
    last = None
    while True:
        query = model._base_manager.using(using).order_by("pk")
        if last is not None:
            query = query.filter(pk__gt=last)
        batch = list(query[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


class EncryptColumns(migrations.RunPython):
    """`columns`: field name → blind index kind ("id_number", "mobile") or None (no index); the
    index column is `<field>_index`."""

    def __init__(self, model_name: str, columns: dict[str, str | None]):
        self.model_name = model_name
        self.columns = columns
        super().__init__(self.encrypt, self.decrypt, elidable=False)

    def _fields(self):
        names = list(self.columns)
        return names + [f"{name}_index" for name, kind in self.columns.items() if kind]

    def encrypt(self, apps, schema_editor):
        model = apps.get_model(self.app_label, self.model_name)
        for batch in _rows(model, schema_editor.connection.alias):
            for row in batch:
                for name, kind in self.columns.items():
                    value = getattr(row, name)
                    plain = crypto.decrypt(value) if crypto.is_encrypted(value) else value
                    setattr(row, name, plain if crypto.is_encrypted(value) else crypto.encrypt(value))
                    if kind:
                        setattr(row, f"{name}_index", crypto.blind_index(kind, plain))
            model._base_manager.using(schema_editor.connection.alias).bulk_update(batch, self._fields())

    def decrypt(self, apps, schema_editor):
        model = apps.get_model(self.app_label, self.model_name)
        for batch in _rows(model, schema_editor.connection.alias):
            for row in batch:
                for name, kind in self.columns.items():
                    value = getattr(row, name)
                    setattr(row, name, crypto.decrypt(value) if crypto.is_encrypted(value) else value)
                    if kind:
                        setattr(row, f"{name}_index", None)
            model._base_manager.using(schema_editor.connection.alias).bulk_update(batch, self._fields())

    def state_forwards(self, app_label, state):
        self.app_label = app_label

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self.app_label = app_label
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self.app_label = app_label
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name, self.columns], {}
