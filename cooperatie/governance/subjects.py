"""What a proposal decides: the subject interface, and the registry of subjects per kind.

Governance knows how the board decides; it does not know what about. Each proposal kind
(`Proposal.Kind`) has one `Subject` class, registered by the app that owns the subject
(allocation in `budgets/apps.py`, general decisions here, settlement by its own app), so the
lower layer never imports the higher ones.

A subject class answers:

- `for_proposals(proposals, lock=False)`: the subject of each proposal, one query for many
  (the register lists hundreds); with `lock` the subject rows are locked for update (called
  while closing, after the cooperative and the proposal are locked).
- `summary_template` / `summary_context(user)`: what the board sees on the proposal page.
- `link()`: its own page (label, url), or None.
- `register_note()`: one line for the decision register (e.g. "verdeling versie 2").
- `organisations()`: the organisations whose money it concerns (their directors may read
  the discussion).
- `check_open()`: raise ValidationError when it cannot be put to the board now.
- `adopted(decision, actor=, reason=)` / `rejected(...)`: carry out the decision, inside the
  closing transaction (a failure rolls the decision back too).
"""

from collections.abc import Iterable
from typing import ClassVar

_registry: dict[str, type["Subject"]] = {}


class Subject:
    kind: ClassVar[str]
    summary_template: ClassVar[str] = ""

    def __init__(self, proposal, obj=None):
        self.proposal = proposal
        self.obj = obj

    @classmethod
    def for_proposals(cls, proposals: Iterable, *, lock: bool = False) -> dict[int, "Subject"]:
        return {p.pk: cls(p) for p in proposals}

    @classmethod
    def of_rows(cls, queryset, proposals: Iterable, *, lock: bool) -> dict[int, "Subject"]:
        """`for_proposals` of a subject kept as a row with a `proposal` field: one query for
        all (`queryset` joins what the pages need), locked for update while closing."""
        by_pk = {p.pk: p for p in proposals}
        rows = queryset.filter(proposal__in=list(by_pk))
        if lock:
            rows = rows.select_for_update(of=("self",))
        return {row.proposal_id: cls(by_pk[row.proposal_id], row) for row in rows}

    def summary_context(self, user) -> dict:
        return {}

    def link(self) -> tuple[str, str] | None:
        return None

    def register_note(self) -> str:
        return ""

    def organisations(self) -> set[int]:
        return set()

    def check_open(self) -> None:
        """Raise ValidationError when the subject cannot be put to the board now."""

    def adopted(self, decision, *, actor, reason: str) -> None:
        """Carry out an adopted decision."""

    def rejected(self, decision, *, actor, reason: str) -> None:
        """Carry out a rejected decision."""


def register(subject: type[Subject]) -> type[Subject]:
    """Register the subject class of a proposal kind (usable as a class decorator)."""
    _registry[subject.kind] = subject
    return subject


def subject_class(kind: str) -> type[Subject]:
    return _registry.get(kind, Subject)


def subjects_for(proposals: Iterable, *, lock: bool = False) -> dict[int, Subject]:
    """The subject of every proposal, one query per kind."""
    by_kind: dict[str, list] = {}
    for proposal in proposals:
        by_kind.setdefault(proposal.kind, []).append(proposal)
    found: dict[int, Subject] = {}
    for kind, group in by_kind.items():
        found.update(subject_class(kind).for_proposals(group, lock=lock))
    return found


def subject_for(proposal, *, lock: bool = False) -> Subject:
    return subjects_for([proposal], lock=lock).get(proposal.pk) or Subject(proposal)
