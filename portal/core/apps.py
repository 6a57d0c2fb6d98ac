from django.apps import AppConfig

from . import checks  # noqa: F401  (registers the system checks)


class CoreConfig(AppConfig):
    """Helpers every app may use (identity numbers, form errors); it imports no other app."""

    name = "portal.core"
    label = "core"
    verbose_name = "基础"
