"""Every document kind's renderer, by kind: what a job runs (services.document_job_run).

Looked up in the two tables at call time, so a renderer replaced in either (tests hold one on an
Event) is the one that runs."""

from . import documents, session_documents


def renderer(kind: str):
    return documents.RENDERERS.get(kind) or session_documents.RENDERERS[kind]
