"""What the workflow tells the apps above it, and how they listen.

Every step the workflow services take publishes one `StepTaken`, inside the step's transaction
and after its audit record is written. Whatever reacts to steps (notifications, documents)
lives above the workflow and subscribes from its AppConfig.ready(); the workflow imports none of
them. A handler runs inside the transaction, so what it records commits or rolls back with the
step; what must wait for the commit (queueing a Celery job, sending) it defers with
`transaction.on_commit`. A handler that raises rolls the step back.

An explicit registry rather than Django signals: the subscribers are listed in one place each
(their app's ready()), and a test can see them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .states import State

# The steps after which the application has been accepted at the window (a receipt is due).
ACCEPTING_STEPS = ("window_accept", "record_offline")


@dataclass(frozen=True)
class StepTaken:
    application: Any  # applications.models.Application, as the step saved it
    step: str  # the transition's name: "submit", "unit_recommend", ..., "withdraw"
    from_state: str
    opinion: str = ""
    actor: Any = None

    @property
    def approved(self) -> bool:
        return self.application.state == State.APPROVED

    @property
    def accepted(self) -> bool:
        return self.step in ACCEPTING_STEPS


Handler = Callable[[StepTaken], None]
_handlers: list[Handler] = []


def subscribe(handler: Handler) -> None:
    """Register a handler once (ready() may run more than once in tests)."""
    if handler not in _handlers:
        _handlers.append(handler)


def subscribers() -> tuple[Handler, ...]:
    return tuple(_handlers)


def publish(event: StepTaken) -> None:
    for handler in tuple(_handlers):
        handler(event)
