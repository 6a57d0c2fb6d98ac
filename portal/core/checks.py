"""System checks of the core helpers."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import crypto


@checks.register(checks.Tags.security)
def development_field_keys(app_configs, **kwargs):
    """The published development keys protect nothing: say so wherever they are in use."""
    if not crypto.uses_development_keys():
        return []
    return [
        checks.Warning(
            "ID numbers and mobiles are encrypted with the published development keys.",
            hint="Set FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY in the environment (docs/SECURITY.md); "
            "the production shape refuses to start without them.",
            id="core.W001",
        )
    ]


@checks.register(checks.Tags.security)
def field_keys_are_well_formed(app_configs, **kwargs):
    """A malformed key would otherwise surface at the first read or write of personal data."""
    try:
        crypto.keyring()
        crypto.blind_index("mobile", "13800000000")
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint='See docs/SECURITY.md, "Encryption at rest".', id="core.E001")]
    return []
