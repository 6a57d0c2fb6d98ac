import logging.config
import os

from celery import Celery, signals
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_the_portals_logging(**kwargs):
    """Workers and beat log through settings.LOGGING (one JSON line per event), like the web.

    Without a receiver, Celery "hijacks" logging: it empties the ``celery`` logger's handlers,
    and since that logger does not propagate, the worker's own warnings and task failures
    (a lost broker connection, a task's traceback) went nowhere."""
    logging.config.dictConfig(settings.LOGGING)
