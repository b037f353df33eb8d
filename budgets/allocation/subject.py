"""An allocation plan as the subject of a board proposal (cooperatie/governance/subjects.py):
the board sees the split per partner; adopted, the plan is posted to the ledger."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie import policy
from cooperatie.governance.models import Proposal
from cooperatie.governance.subjects import Subject, register
from cooperatie.models import BoardSeat

from .. import selectors as budget_selectors
from ..models import AllocationLine, AllocationPlan
from . import selectors, services


@register
class AllocationSubject(Subject):
    kind = Proposal.Kind.ALLOCATION
    summary_template = "allocation/_proposal_subject.html"

    @classmethod
    def for_proposals(cls, proposals, *, lock=False):
        return cls.of_rows(AllocationPlan.objects.select_related(
            "grant__cooperative", "grant__funder", "grant__funding_stream", "key", "supersedes",
            "drafted_by"), proposals, lock=lock)

    @property
    def plan(self) -> AllocationPlan:
        return self.obj

    def link(self):
        url = reverse("allocation:plan", kwargs={"code": self.plan.grant.cooperative.code,
                                                  "pk": self.plan.pk})
        return (_("De verdeling (versie %(v)s) met alle bedragen en voorschotten")
                % {"v": self.plan.version}, url)

    def register_note(self) -> str:
        note = _("verdeling versie %(v)s") % {"v": self.plan.version}
        if self.plan.supersedes_id:
            note += " " + _("(vervangt versie %(v)s)") % {"v": self.plan.supersedes.version}
        return note

    def organisations(self) -> set[int]:
        return set(AllocationLine.objects.filter(plan=self.plan)
                   .values_list("organisation_id", flat=True))

    def summary_context(self, user) -> dict:
        split = selectors.frozen_split(self.plan)
        # Shown per area when there are too many neighbourhoods for one page (no extra query:
        # a per-inhabitant split holds the neighbourhoods of its year).
        split.show(by_area=len(split.hoods) > budget_selectors.PAGE_NEIGHBOURHOODS)
        comparison = None
        if self.plan.supersedes_id:
            comparison = selectors.compare(self.plan.supersedes, split)
        seat = (BoardSeat.objects.filter(policy.active_on(timezone.localdate()),
                                         cooperative=self.proposal.cooperative_id, user=user)
                .select_related("organisation").first())
        represented = None
        if seat is not None and seat.organisation_id:
            amount = split.per_organisation.get(seat.organisation_id)
            if amount is not None:
                represented = (seat.organisation, amount)
        return {"plan": self.plan, "split": split, "comparison": comparison,
                "represented": represented}

    def adopted(self, decision, *, actor, reason):
        services.plan_carry_out(plan=self.plan, decision=decision, actor=actor, reason=reason)

    rejected = adopted
