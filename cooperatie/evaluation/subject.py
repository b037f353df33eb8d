"""Targets for a year as the subject of a board proposal (cooperatie/governance/subjects.py):
the board sees per indicator the target in force and the new one; adopted, they become the
targets of that year (targets.py)."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from ..governance.models import Proposal
from ..governance.subjects import Subject, register
from . import targets
from .models import Indicator, TargetLine, TargetSet


@register
class TargetsSubject(Subject):
    kind = Proposal.Kind.TARGETS
    summary_template = "evaluation/_targets_subject.html"

    @classmethod
    def for_proposals(cls, proposals, *, lock=False):
        return cls.of_rows(TargetSet.objects.select_related("cooperative").prefetch_related(
            Prefetch("lines", queryset=TargetLine.objects.select_related("indicator"))),
            proposals, lock=lock)

    @property
    def target_set(self) -> TargetSet:
        return self.obj

    def changes(self) -> list[targets.Change]:
        lines = sorted(self.target_set.lines.all(),
                       key=lambda ln: (Indicator.Aim.values.index(ln.indicator.aim),
                                       ln.indicator.position, ln.indicator.name))
        return [targets.Change(ln.indicator, ln.previous, ln.target) for ln in lines]

    def link(self):
        url = reverse("evaluation:target_set", kwargs={
            "code": self.target_set.cooperative.code, "pk": self.target_set.pk})
        return _("De streefwaarden %(year)s per indicator") % {"year": self.target_set.year}, url

    def register_note(self) -> str:
        return targets.summary(self.target_set, self.changes())

    def summary_context(self, user) -> dict:
        return {"target_set": self.target_set, "target_changes": self.changes()}

    def adopted(self, decision, *, actor, reason):
        targets.target_set_carry_out(target_set=self.target_set, decision=decision,
                                     actor=actor, reason=reason)

    rejected = adopted
