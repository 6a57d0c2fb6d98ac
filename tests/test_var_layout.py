"""var/ holds state only (database, files, keys); build output such as collected static files
lives elsewhere, so that backing up or mounting var/ never carries a stale build."""

from django.conf import settings


def test_static_root_is_outside_var():
    assert not settings.STATIC_ROOT.resolve().is_relative_to(settings.VAR_DIR.resolve())
