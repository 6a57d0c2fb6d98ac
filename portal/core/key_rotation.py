"""Re-encrypt every encrypted value under the current key (FIELD_ENCRYPTION_KEYS' first), and
refill blind indexes: what `manage.py rotate_field_keys` runs.

Only rows holding a value under another key are touched (selected in the database by the
ciphertext's key-id prefix), a batch per transaction, so the command can be stopped and run
again: a second run finds nothing to do. `reindex=True` rewrites every row and recomputes every
blind index (after changing BLIND_INDEX_KEY, or after restoring a backup made under another)."""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from . import crypto
from .encrypted_fields import BlindIndexField, EncryptedCharField, EncryptedJSONField


def encrypted_models():
    """(model, its encrypted fields, its blind index fields) for every model that has any."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField | EncryptedJSONField)]
        if fields:
            indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
            yield model, fields, indexes


def _stale(fields, prefix: str) -> models.Q:
    """Rows with a value (not blank, not NULL) that is not under the current key."""
    query = models.Q()
    for field in fields:
        raw = f"_raw_{field.name}"
        query |= (
            models.Q(**{f"{raw}__isnull": False}) & ~models.Q(**{raw: ""}) & ~models.Q(**{f"{raw}__startswith": prefix})
        )
    return query


def rotate(*, batch_size: int = 500, reindex: bool = False, progress=None) -> dict[str, int]:
    """Rows rewritten per model label."""
    prefix = crypto.current_prefix()
    done: dict[str, int] = {}
    for model, fields, indexes in encrypted_models():
        names = [f.name for f in fields] + [f.name for f in indexes]
        rows = model._base_manager.annotate(
            **{f"_raw_{f.name}": Cast(f.name, output_field=models.TextField()) for f in fields}
        )
        if not reindex:
            rows = rows.filter(_stale(fields, prefix))
        rows = rows.order_by("pk").only("pk", *names)
        last, count = None, 0
        while True:
            batch = list((rows if last is None else rows.filter(pk__gt=last))[:batch_size])
            if not batch:
                break
            for row in batch:
                for index in indexes:
                    setattr(row, index.attname, index.compute(getattr(row, index.source)))
            with transaction.atomic():
                model._base_manager.bulk_update(batch, names)
            last, count = batch[-1].pk, count + len(batch)
            if progress:
                progress(model._meta.label, count)
        done[model._meta.label] = count
    return done
