"""Every document kind's renderer, by kind: what a job runs (services.document_job_run)."""

from .documents import RENDERERS as APPLICATION_RENDERERS
from .session_documents import RENDERERS as SESSION_RENDERERS

RENDERERS = {**APPLICATION_RENDERERS, **SESSION_RENDERERS}
