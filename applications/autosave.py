"""Autosave of a section page as the applicant types (views_autosave.py answers the requests).

Nothing autosave does can destroy or half-write a section, or fail where a draft may be partial:
a statement (the work summary, the main work) is free text and is saved as typed, however short
(the checklist still asks for the minimum length); every other page keeps its typed input as a
DraftInput, shown back when the page is opened again and dropped once the page's own 保存 (with
all its checks) has stored the section. The checks are still run, to tell the applicant which
field would be refused."""

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from .draft_inputs import DraftInput
from .models import Application, Statement
from .permissions import can_edit_application
from .sections import STATEMENT_KINDS

# Fields of a posted page that are not typed input.
NOT_INPUT = frozenset({"csrfmiddlewaretoken", "action", "photo_upload", "photo_held"})
# What one page can hold: the largest rows section (100 papers × a few fields) and a statement
# of 20,000 characters fit with room to spare; a post beyond is refused, not stored.
MAX_FIELDS = 1500
MAX_CHARACTERS = 200_000
STATEMENT_MAX_LENGTH = 20000


class NotEditable(Exception):
    """The application was submitted (or is not this user's to edit) since the page was opened."""


class TooLarge(Exception):
    pass


def typed_input(post) -> dict[str, list[str]]:
    """The page's typed input from a QueryDict, as {name: [values]}, without tokens and buttons."""
    data = {name: post.getlist(name) for name in post if name not in NOT_INPUT}
    if len(data) > MAX_FIELDS or sum(len(v) for values in data.values() for v in values) > MAX_CHARACTERS:
        raise TooLarge
    return data


def _locked_editable(application: Application, user) -> Application:
    locked = Application.objects.select_for_update().select_related("applicant").get(pk=application.pk)
    if not can_edit_application(user, locked):
        raise NotEditable
    return locked


@transaction.atomic
def draft_input_store(*, application: Application, user, section: str, data: dict) -> DraftInput:
    _locked_editable(application, user)
    draft, _created = DraftInput.objects.update_or_create(
        application=application, section=section, defaults={"data": data, "saved_at": timezone.now()}
    )
    return draft


@transaction.atomic
def statement_autosave(*, application: Application, user, key: str, text: str) -> None:
    """A statement as typed (a draft may be short); the section's own save checks the length."""
    _locked_editable(application, user)
    Statement.objects.update_or_create(
        application=application, kind=STATEMENT_KINDS[key], defaults={"text": text.strip()[:STATEMENT_MAX_LENGTH]}
    )
    DraftInput.objects.filter(application=application, section=key).delete()
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())


def draft_input_drop(*, application: Application, section: str) -> None:
    """After the section's own save: what was typed is now stored for real."""
    DraftInput.objects.filter(application=application, section=section).delete()


def draft_input_for(application: Application, section: str) -> DraftInput | None:
    if not application.is_editable:
        return None
    return DraftInput.objects.filter(application=application, section=section).first()


def as_querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, values in data.items():
        if isinstance(values, list):
            query.setlist(name, [str(v) for v in values])
    return query
