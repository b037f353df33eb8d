"""What happens in the board's process, for whoever reacts to it (notifications): subscribe
a function to an event; the services publish after their transaction commits, so a listener
never sees a proposal or decision that was rolled back.

    events.subscribe(events.PROPOSAL_OPENED, lambda proposal_id: ...)
    events.subscribe(events.PROPOSAL_CLOSED, lambda proposal_id, decision_id: ...)

Proposals closing soon are a query, not an event: `selectors.closing_within(hours)`.
"""

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

PROPOSAL_OPENED = "proposal_opened"
PROPOSAL_CLOSED = "proposal_closed"

_listeners: dict[str, list[Callable]] = defaultdict(list)


def subscribe(event: str, listener: Callable) -> None:
    if listener not in _listeners[event]:
        _listeners[event].append(listener)


def unsubscribe(event: str, listener: Callable) -> None:
    if listener in _listeners[event]:
        _listeners[event].remove(listener)


def publish(event: str, **data) -> None:
    """Call the event's listeners once the current transaction commits."""
    for listener in list(_listeners[event]):
        transaction.on_commit(lambda listener=listener: listener(**data))
