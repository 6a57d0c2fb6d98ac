"""Model fields that keep personal data encrypted in the database (portal/core/crypto.py).

- ``EncryptedCharField``: Python code reads and writes the plain value; the column holds the
  ciphertext (a text column). Paired with a ``BlindIndexField`` (``blind_index="…"``), equality
  look-ups — ``filter(id_number=…)``, ``__iexact``, ``__in``, ``get_by_natural_key``, a model's
  unique check, admin search with ``=field`` — compare the HMAC index instead, so callers need not
  know. Any other look-up (contains, startswith, a comparison) is refused with Django's
  "Unsupported lookup" error: ciphertext cannot be searched by part.
- ``BlindIndexField``: the HMAC of its source field's normalised value, filled on every save.
  Uniqueness lives here (a unique index on ciphertext with a random nonce would enforce nothing).
- ``EncryptedJSONField``: a whole JSON document encrypted as one value (the filed snapshot).

``BlindIndexedModel`` keeps the index in step when a save names only the source field in
``update_fields``. ``QuerySet.update()`` of a source field does not refill the index: save the
instances instead.
"""

from __future__ import annotations

import json

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import lookups
from django.db.models.expressions import Col

from . import crypto


class EncryptedCharField(models.CharField):
    """A short text (ID number, mobile) stored as AES-GCM ciphertext; max_length is the plain value's."""

    description = "Encrypted text"

    def __init__(self, *args, blind_index: str | None = None, **kwargs):
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    def get_internal_type(self):
        return "TextField"

    def db_type(self, connection):
        # Ciphertext is longer than the value: a text column whatever max_length says.
        return connection.data_types["TextField"]

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.encrypt(value)

    def index_field(self):
        if not self.blind_index:
            return None
        return self.model._meta.get_field(self.blind_index)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if self.blind_index and lookup_name in BLIND_LOOKUPS:
            return BLIND_LOOKUPS[lookup_name]
        return None

    def get_transform(self, lookup_name):
        return None


class BlindIndexField(models.CharField):
    """HMAC-SHA256 (hex) of `source`'s value normalised as `kind` ("id_number", "mobile")."""

    description = "Blind index"

    def __init__(self, *args, source: str, kind: str, **kwargs):
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        return name, path, args, kwargs

    def compute(self, value):
        return crypto.blind_index(self.kind, value)

    def pre_save(self, model_instance, add):
        value = self.compute(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class BlindIndexedModel(models.Model):
    """Saving only a source field (`update_fields=["mobile"]`) also saves its index."""

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            names = set(update_fields)
            for field in self._meta.concrete_fields:
                if isinstance(field, BlindIndexField) and field.source in names:
                    names.add(field.name)
            update_fields = names
        super().save(*args, update_fields=update_fields, **kwargs)


def _index_side(lhs, rhs_value, *, many: bool):
    """The look-up moved onto the blind index column: (index column, index value(s))."""
    field = getattr(lhs, "target", None)
    if not isinstance(lhs, Col) or not isinstance(field, EncryptedCharField):
        raise FieldError("An encrypted field can be compared by value only, not through an expression.")
    if hasattr(rhs_value, "resolve_expression"):
        raise FieldError(f"{field.name} is encrypted: compare it with a value, not an expression or subquery.")
    index = field.index_field()
    column = index.get_col(lhs.alias)
    if many:
        return column, [index.compute(value) for value in list(rhs_value)]
    return column, index.compute(rhs_value)


class BlindExact(lookups.Exact):
    def __init__(self, lhs, rhs):
        lhs, rhs = _index_side(lhs, rhs, many=False)
        super().__init__(lhs, rhs)


class BlindIExact(BlindExact):
    # The index is of the normalised (upper-case) value, so exact is already case-insensitive.
    lookup_name = "iexact"


class BlindIn(lookups.In):
    def __init__(self, lhs, rhs):
        lhs, rhs = _index_side(lhs, rhs, many=True)
        super().__init__(lhs, rhs)


BLIND_LOOKUPS = {"exact": BlindExact, "iexact": BlindIExact, "in": BlindIn}


class EncryptedJSONField(models.TextField):
    """A JSON document stored as one AES-GCM ciphertext: readable only whole, never queried into."""

    description = "Encrypted JSON"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return json.loads(crypto.decrypt(value))

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value)
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def get_lookup(self, lookup_name):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name):
        return None
