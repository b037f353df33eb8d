"""'Wat moet ik nog doen?': per role what waits for this person in one cooperative, with the
date it is due, and nothing else. Each package that asks something of people adds a provider
(budgets: budget to submit, staff to commit; governance: votes to cast; realisation: periods to
enter; reports: exports ready) with `provider`, imported in its AppConfig.ready."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    due: date | None = None
    note: str = ""

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.due is not None and self.due < timezone.localdate()


Provider = Callable[..., Iterable[Todo]]  # (user, cooperative, roles) -> items
PROVIDERS: list[Provider] = []


def provider(func: Provider) -> Provider:
    PROVIDERS.append(func)
    return func


def todo_for(user, cooperative, roles) -> list[Todo]:
    """Everything that waits, soonest due first (undated last)."""
    items = [item for p in PROVIDERS for item in p(user, cooperative, roles)]
    return sorted(items, key=lambda t: (t.due is None, t.due or date.max, t.title))
