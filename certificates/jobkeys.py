"""The key that names each document job, so the services that create a job and the selectors
that find it agree without one importing the other."""

import hashlib
import json

from applications.acceptance import ascii_form
from applications.models import Application, State


def receipt_key(application_id: int) -> str:
    return f"receipt:{application_id}"


def cover_key(application: Application) -> str:
    """The file's cover sheet for its acceptance number: a new number (a new intake) is a new cover."""
    return f"cover:{application.pk}:{ascii_form(application.acceptance_number)}"


def certificate_key(application_id: int) -> str:
    return f"certificate:{application_id}"


def form_key(application: Application) -> tuple[str, bool]:
    """The form as filed now, and whether it is final: a new key when the filed content, the
    acceptance number (printed in its header) or the approval changed."""
    final = application.state == State.APPROVED
    printed = {"content": application.filed_content or {}, "acceptance_number": application.acceptance_number}
    digest = hashlib.sha256(json.dumps(printed, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return f"form:{application.pk}:{'final' if final else 'preview'}:{digest}", final


def session_document_key(kind: str, session, members: list[tuple[int, bool | None]]) -> str:
    """A session's document as the session stands: the same letters, roster or result list while
    the drawn members, their attendance and the sign-off are unchanged; a new one once they change."""
    printed = {"members": members, "signed_at": session.signed_at.isoformat() if session.signed_at else None}
    digest = hashlib.sha256(json.dumps(printed, sort_keys=True).encode()).hexdigest()[:16]
    return f"{kind}:{session.pk}:{digest}"
