"""A settlement as the subject of a board proposal (cooperatie/governance/subjects.py): the
board sees per partner the allocation, the realisation, the surplus or deficit and what the
rule does with it; adopted, the settlement is posted to the ledger and becomes immutable."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie import policy
from cooperatie.governance.models import Proposal
from cooperatie.governance.subjects import Subject, register
from cooperatie.models import BoardSeat

from . import selectors, services
from .models import Settlement, SettlementLine


@register
class SettlementSubject(Subject):
    kind = Proposal.Kind.SETTLEMENT
    summary_template = "settlement/_proposal_subject.html"

    @classmethod
    def for_proposals(cls, proposals, *, lock=False):
        return cls.of_rows(Settlement.objects.select_related(
            "grant__cooperative", "grant__funder", "grant__funding_stream", "supersedes",
            "drafted_by", "plan"), proposals, lock=lock)

    @property
    def settlement(self) -> Settlement:
        return self.obj

    def link(self):
        url = reverse("settlement:settlement", kwargs={
            "code": self.settlement.grant.cooperative.code, "pk": self.settlement.pk})
        return (_("De vaststelling (versie %(v)s) met alle bedragen per partner")
                % {"v": self.settlement.version}, url)

    def register_note(self) -> str:
        note = _("vaststelling versie %(v)s") % {"v": self.settlement.version}
        if self.settlement.supersedes_id:
            note += " " + _("(vervangt versie %(v)s)") % {"v": self.settlement.supersedes.version}
        return note

    def organisations(self) -> set[int]:
        return set(SettlementLine.objects.filter(settlement=self.settlement)
                   .values_list("organisation_id", flat=True))

    def summary_context(self, user) -> dict:
        outcome = selectors.outcome_of(self.settlement)
        seat = (BoardSeat.objects.filter(policy.active_on(timezone.localdate()),
                                         cooperative=self.proposal.cooperative_id, user=user)
                .select_related("organisation").first())
        represented = None
        if seat is not None and seat.organisation_id:
            part = next((p for o, p in outcome.partners.items()
                         if o.pk == seat.organisation_id), None)
            if part is not None:
                represented = (seat.organisation, part)
        rows, total = selectors.outcome_table(outcome, self.settlement.grant)
        return {"settlement": self.settlement, "settlement_rows": rows, "settlement_total": total,
                "settlement_rule": selectors.rule_text(self.settlement),
                "settlement_represented": represented}

    def adopted(self, decision, *, actor, reason):
        services.settlement_carry_out(settlement=self.settlement, decision=decision,
                                      actor=actor, reason=reason)

    rejected = adopted
