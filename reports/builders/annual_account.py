"""The annual account (jaarverantwoording) for the funder and the accountant: per funder and
grant what was granted, allocated, advanced, paid, realised and settled; per partner the
surplus or deficit and what was decided with it; the payments; the reserve over the years;
the indicators against their targets; and every ledger transaction the figures come from,
by number. The data is budgets.settlement.account; every total is checked against the ledger
(per grant and partner, through the transactions' sources) before the file is handed out."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.ledger import balance
from budgets.models import LedgerEntry, LedgerTransaction
from budgets.settlement import account as annual
from budgets.settlement import selectors as settlement_selectors
from budgets.settlement.models import AdvancePayment, Settlement
from cooperatie.evaluation.selectors import cooperative_scope
from cooperatie.evaluation.selectors import scorecard as scorecard_of
from cooperatie.templatetags.money import euro
from reports.builders import Report, check_each, check_equal
from reports.builders.allocation import grant_labels
from reports.writer import Column, Formula

ZERO = Decimal("0.00")
GRANTS = [
    Column("Lumpsum (financier)", "text", 34), Column("Financieringsstroom", "text", 22),
    Column("Verleend", "money", 16, total=True), Column("Toegewezen", "money", 16, total=True),
    Column("Voorschotten vervallen", "money", 16, total=True),
    Column("Betaald", "money", 16, total=True), Column("Gerealiseerd", "money", 16, total=True),
    Column("Overschot (+) of tekort (−)", "money", 16, total=True),
    Column("Vastgesteld", "money", 16, total=True),
    Column("Naar (+) of uit (−) de reserve", "money", 16, total=True),
    Column("Terug naar de financier", "money", 16, total=True),
    Column("Verdeling in werking", "text", 12), Column("Besluit verdeling", "text", 11),
    Column("Datum besluit verdeling", "date", 12), Column("Vaststelling", "text", 24),
    Column("Besluit vaststelling", "text", 11), Column("Datum besluit vaststelling", "date", 12),
    Column("Boekingen", "text", 30),
]
PARTNERS = [
    Column("Lumpsum", "text", 30), Column("Partner", "text", 30),
    Column("Toegewezen", "money", 15, total=True),
    Column("Voorschotten vervallen", "money", 15, total=True),
    Column("Betaald", "money", 15, total=True), Column("Gerealiseerd", "money", 15, total=True),
    Column("Overschot (+) of tekort (−)", "money", 15, total=True),
    Column("Blijft bij de partner", "money", 15, total=True),
    Column("Gedragen door de partner", "money", 15, total=True),
    Column("Naar (+) of uit (−) de reserve", "money", 15, total=True),
    Column("Terug naar de financier", "money", 15, total=True),
    Column("Via de sleutel (+ ontvangen, − gedragen)", "money", 15, total=True),
    Column("Vastgesteld", "money", 15, total=True),
    Column("Verschil met de toewijzing", "money", 15, total=True),
    Column("Nog te betalen (+) of terug te vorderen (−)", "money", 15, total=True),
    Column("Besluit vaststelling", "text", 11), Column("Datum besluit", "date", 12),
    Column("Boekingen toewijzing en vaststelling", "text", 26),
    Column("Boekingen betalingen", "text", 26), Column("Boekingen realisatie", "text", 40),
]
PAYMENTS = [
    Column("Lumpsum", "text", 30), Column("Partner", "text", 30), Column("Voorschot", "int", 10),
    Column("Vervaldatum", "date", 12), Column("Betaald op", "date", 12),
    Column("Referentie bankafschrift", "text", 26), Column("Soort", "text", 14),
    Column("Bedrag", "money", 16, total=True), Column("Boeking", "int", 10),
    Column("Reden", "text", 40),
]
RESERVE = [
    Column("Jaar", "int", 7), Column("Boeking", "int", 10), Column("Geboekt op", "date", 12),
    Column("Omschrijving", "text", 50), Column("Besluit", "text", 11),
    Column("Datum besluit", "date", 12), Column("Bedrag", "money", 16, total=True),
    Column("Saldo na de boeking", "money", 16),
]
INDICATORS = [
    Column("Doel", "text", 26), Column("Indicator", "text", 40), Column("Eenheid", "text", 12),
    Column("Streefwaarde", "text", 14), Column("Waarde", "number", 22),
    Column("Status", "text", 14), Column("Periode", "text", 12),
]
TRANSACTIONS = [
    Column("Boeking", "int", 10), Column("Geboekt op", "datetime", 16),
    Column("Soort boeking", "text", 24), Column("Omschrijving", "text", 50),
    Column("Soort regel", "text", 30), Column("Partner", "text", 30),
    Column("Financieringsstroom", "text", 22), Column("Bedrag", "money", 16),
]
KIND = LedgerEntry.Kind


def _versions(plan, settlement, pending) -> str:
    if settlement is not None:
        text = f"versie {settlement.version}, vastgesteld"
        if pending is not None:
            text += f"; versie {pending.version} {pending.get_status_display()}"
        return text
    if pending is not None:
        return f"nog niet vastgesteld; versie {pending.version} {pending.get_status_display()}"
    return "nog niet vastgesteld" if plan is not None else "geen verdeling in werking"


class AnnualAccountReport(Report):
    slug = "annual-account"
    title = _("Jaarverantwoording")

    def about(self, scope):
        reserve = settlement_selectors.reserve_balance(scope.cooperative, through_year=scope.year)
        return [
            ("Herleiden tot het grootboek",
             "Elk bedrag is te herleiden tot boekingen in het grootboek: de kolommen "
             "'Boekingen' noemen hun nummers, het blad 'Boekingen' geeft per boeking datum, "
             "soort, omschrijving en bedragen per soort regel en partner. Toegewezen = "
             "boekingen van de verdeling in werking; betaald = betalingen min tegenboekingen; "
             "vastgesteld = toegewezen plus de boeking van de vaststelling in werking."),
            ("Realisatie per lumpsum",
             "Gerealiseerd is wat een partner in het jaar op de financieringsstroom van de "
             "lumpsum heeft ingediend (alle perioden, correcties inbegrepen). Delen lumpsums "
             "van één jaar een stroom, dan wordt de realisatie van een partner over die "
             "lumpsums verdeeld naar wat hij uit elk ervan toegewezen kreeg."),
            ("Voorschotten vervallen", "De voorschotten met een vervaldatum tot en met "
             f"{min(date(scope.year, 12, 31), timezone.localdate()):%d-%m-%Y}."),
            ("Reserve van de coöperatie", f"saldo eind {scope.year}: {euro(reserve)}"),
            *([("Bereik", "Een gebied beperkt dit rapport niet: lumpsums gelden voor de hele "
                          "coöperatie.")] if scope.area is not None else []),
        ]

    def write(self, writer, scope, progress) -> int:
        last = scope.last_transaction.pk if scope.last_transaction else 0
        data = annual.annual_account(scope.cooperative, scope.year,
                                     organisation=scope.organisation, up_to=last)
        labels = grant_labels([a.grant for a in data.grants])
        granted = writer.table("Lumpsums", GRANTS,
                               [self._grant_row(a, labels) for a in data.grants],
                               title=f"Lumpsums {scope.year}: verleend, toegewezen, betaald, "
                                     "gerealiseerd en vastgesteld",
                               note="Alleen wat in werking is telt: de verdeling en de "
                                    "vaststelling die het bestuur heeft vastgesteld.")
        paid_postings: dict[tuple[int, int], set[int]] = defaultdict(set)
        for p in data.payments:
            tranche = p.payment.tranche
            paid_postings[(tranche.plan.grant_id, tranche.organisation_id)].add(p.transaction.pk)
        payment_rows = [self._payment_row(p, labels) for p in data.payments]
        partner_rows = [self._partner_row(a, p, labels, paid_postings)
                        for a in data.grants for p in a.partners]
        partners = writer.table("Per partner", PARTNERS, partner_rows,
                                title="Per lumpsum en partner: overschot of tekort en wat "
                                      "ermee is besloten")
        payments = writer.table("Betalingen", PAYMENTS, payment_rows,
                                title="Betalingen van voorschotten en hun tegenboekingen")
        reserve = writer.table("Reserve", RESERVE, [self._reserve_row(m) for m in data.reserve],
                               title=f"Verloop van de reserve tot en met {scope.year}",
                               note="Het totaal is het saldo van de reserve aan het eind van "
                                    f"{scope.year}.")
        self._indicators(writer, scope)
        writer.table("Boekingen", TRANSACTIONS, self._transaction_rows(data, scope),
                     title="De boekingen waar de bedragen uit komen",
                     note="Per boeking de bedragen per soort regel en partner, op de "
                          "financieringsstromen van de lumpsums van dit jaar.")
        self._check(scope, data, granted, partners, partner_rows, payments, payment_rows,
                    reserve)
        return partners.rows + payments.rows

    # --- rows ---------------------------------------------------------------------------------

    def _grant_row(self, a: annual.GrantAccount, labels) -> list:
        settled = a.settlement is not None
        allocated, realised = a.total("allocated"), a.total("realised")
        postings = {a.plan.posting_id} if a.plan else set()
        if settled:
            postings.add(a.settlement.posting_id)
        plan_decision, decision = a.plan_decision, a.settlement_decision
        return [
            labels[a.grant.pk], a.grant.funding_stream.name, a.granted, allocated,
            a.total("due"), a.total("paid"), realised,
            Formula("=D{row}-G{row}", allocated - realised),
            a.settled_total("settled") if settled else None,
            (a.settled_total("to_reserve") - a.settled_total("from_reserve")) if settled else None,
            a.settled_total("to_funder") if settled else None,
            f"versie {a.plan.version}" if a.plan else "",
            plan_decision.number if plan_decision else "",
            plan_decision.decided_on if plan_decision else None,
            _versions(a.plan, a.settlement, a.pending),
            decision.number if decision else "", decision.decided_on if decision else None,
            annual.numbers(pk for pk in postings if pk),
        ]

    def _partner_row(self, a: annual.GrantAccount, p: annual.PartnerAccount, labels,
                     paid_postings) -> list:
        s = p.settlement
        decision = a.settlement_decision
        own = p.postings
        return [
            labels[a.grant.pk], p.organisation.name, p.allocated, p.due, p.paid, p.realised,
            Formula("=C{row}-F{row}", p.result),
            s.kept if s else None, s.borne if s else None,
            (s.to_reserve - s.from_reserve) if s else None, s.to_funder if s else None,
            (s.key_received - s.key_borne) if s else None,
            s.settled if s else None,
            Formula("=M{row}-C{row}", s.settled - p.allocated) if s else None,
            Formula("=M{row}-E{row}", s.settled - p.paid) if s else None,
            decision.number if decision else "", decision.decided_on if decision else None,
            annual.numbers(own["allocation"] | own["settlement"]),
            annual.numbers(paid_postings[(a.grant.pk, p.organisation.pk)]),
            annual.numbers(own["realisation"]),
        ]

    def _payment_row(self, p: annual.Payment, labels) -> list:
        payment = p.payment
        tranche = payment.tranche
        reversed_ = p.amount < 0
        return [
            labels[tranche.plan.grant_id], tranche.organisation.name, tranche.number,
            tranche.due_date, payment.paid_on, payment.reference,
            "tegenboeking" if reversed_ else "betaling", p.amount, p.transaction.pk,
            payment.reversal_reason if reversed_ else payment.note,
        ]

    def _reserve_row(self, m: settlement_selectors.ReserveMovement) -> list:
        decision = getattr(m.settlement.proposal, "decision", None) \
            if m.settlement and m.settlement.proposal_id else None
        return [m.year, m.transaction.pk, m.transaction.posted_at.date(),
                m.transaction.description, decision.number if decision else "",
                decision.decided_on if decision else None, m.amount, m.balance]

    def _indicators(self, writer, scope) -> None:
        card = scorecard_of(scope.cooperative, scope.year, cooperative_scope(scope.cooperative))
        rows = [[label, row.indicator.name, row.indicator.get_unit_display(),
                 row.target_display, row.display if row.value is None else row.value,
                 row.status_label, row.period]
                for _aim, label, items in card.aims for row in items]
        writer.table("Indicatoren", INDICATORS, rows,
                     title=f"Quadruple aim {scope.year}: de indicatoren tegen hun streefwaarde")

    def _transaction_rows(self, data: annual.AnnualAccount, scope) -> list[list]:
        streams = {a.grant.funding_stream_id for a in data.grants}
        labels = dict(LedgerEntry.Kind.choices)
        kinds = dict(LedgerTransaction.Kind.choices)
        entries = (LedgerEntry.objects.filter(transaction__in=[t.pk for t in data.transactions])
                   .filter(funding_stream__in=streams)
                   .values_list("transaction_id", "kind", "organisation__name",
                                "funding_stream__name", "amount").order_by("transaction_id"))
        if scope.organisation is not None:
            entries = entries.filter(organisation=scope.organisation) | entries.filter(
                organisation__isnull=True)
        sums: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
        for pk, kind, org, stream, amount in entries:
            sums[(pk, str(labels[kind]), org or "", stream or "")] += amount
        by_pk = {t.pk: t for t in data.transactions}
        return [[pk, by_pk[pk].posted_at, str(kinds[by_pk[pk].kind]), by_pk[pk].description,
                 kind, org, stream, amount]
                for (pk, kind, org, stream), amount in sorted(sums.items())]

    # --- checks against the ledger ---------------------------------------------------------

    def _check(self, scope, data, granted, partners, partner_rows, payments, payment_rows,
               reserve) -> None:
        entries = scope.ledger_entries()
        sources = _Sources(data)
        per = sources.per_grant_partner(entries)
        whole = scope.organisation is None and scope.area is None
        for a in data.grants:
            label = a.grant.funder_label
            shown = {p.organisation.name: p.allocated for p in a.partners}
            check_each(f"Toegewezen {label}", shown, per.get((a.grant.pk, KIND.ALLOCATION), {}))
            check_each(f"Betaald {label}", {p.organisation.name: p.paid for p in a.partners},
                       per.get((a.grant.pk, KIND.ADVANCE), {}))
            if a.settlement is not None:
                allocation = per.get((a.grant.pk, KIND.ALLOCATION), {})
                difference = per.get((a.grant.pk, KIND.SETTLEMENT), {})
                check_each(f"Vastgesteld {label}", {p.organisation.name: p.settled
                                                    for p in a.partners},
                           {k: allocation.get(k, ZERO) + difference.get(k, ZERO)
                            for k in set(allocation) | set(difference)})
        for stream, rows in sources.realised_per_stream(data).items():
            check_each(f"Gerealiseerd op {stream}", rows,
                       sources.ledger_realisation(entries, stream, rows))
        check_equal("Toegewezen (partners)", partners.total("Toegewezen"),
                    _balance(entries, KIND.ALLOCATION))
        check_equal("Betaald (partners)", partners.total("Betaald"),
                    _balance(entries, KIND.ADVANCE))
        check_equal("Betalingen", payments.total("Bedrag"), _balance(entries, KIND.ADVANCE))
        if whole:
            check_equal("Verleend", granted.total("Verleend"), -_balance(entries, KIND.GRANT))
            check_equal("Toegewezen", granted.total("Toegewezen"),
                        _balance(entries, KIND.ALLOCATION))
            check_equal("Betaald", granted.total("Betaald"), _balance(entries, KIND.ADVANCE))
            check_equal("Naar of uit de reserve", granted.total("Naar (+) of uit (−) de reserve"),
                        _balance(entries, KIND.RESERVE))
            check_equal("Terug naar de financier", granted.total("Terug naar de financier"),
                        _balance(entries, KIND.REFUND))
            settled_allocations = sum((p.allocated for a in data.grants if a.settlement
                                       for p in a.partners), ZERO)
            check_equal("Vastgesteld", granted.total("Vastgesteld"),
                        settled_allocations + _balance(entries, KIND.SETTLEMENT))
            check_equal("Reserve tot en met het jaar", reserve.total("Bedrag"),
                        _reserve_ledger(scope))


def _balance(entries, kind) -> Decimal:
    return balance(entries.filter(kind=kind))


def _reserve_ledger(scope) -> Decimal:
    """The reserve's balance through the year, as the ledger stood when the report began."""
    if scope.last_transaction is None:
        return ZERO
    return balance(LedgerEntry.objects.filter(
        cooperative=scope.cooperative, kind=KIND.RESERVE, year__lte=scope.year,
        transaction_id__lte=scope.last_transaction.pk))


class _Sources:
    """Which grant a ledger transaction belongs to, from its source: an allocation's posting
    is sourced by its grant, a payment's by its tranche, a settlement's by the settlement."""

    def __init__(self, data: annual.AnnualAccount):
        grants = [a.grant for a in data.grants]
        self.by_source = {("grant", g.pk): g.pk for g in grants}
        for pk, grant_id in Settlement.objects.filter(grant__in=grants).values_list(
                "pk", "grant_id"):
            self.by_source[("settlement", pk)] = grant_id
        for pk, grant_id in AdvancePayment.objects.filter(
                tranche__plan__grant__in=grants).values_list("tranche_id",
                                                             "tranche__plan__grant_id"):
            self.by_source[("tranche", pk)] = grant_id
        self.streams = {a.grant.funding_stream_id: a.grant.funding_stream.name
                        for a in data.grants}

    def per_grant_partner(self, entries) -> dict[tuple[int, str], dict[str, Decimal]]:
        out: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(
            lambda: defaultdict(lambda: ZERO))
        rows = entries.filter(kind__in=[KIND.ALLOCATION, KIND.ADVANCE, KIND.SETTLEMENT]
                              ).values_list("transaction__source_type",
                                            "transaction__source_id", "kind",
                                            "organisation__name", "amount")
        for source_type, source_id, kind, org, amount in rows:
            grant_id = self.by_source.get((source_type, source_id))
            if grant_id is not None:
                out[(grant_id, kind)][org or ""] += amount
        return {k: dict(v) for k, v in out.items()}

    def realised_per_stream(self, data) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for a in data.grants:
            for p in a.partners:
                out[a.grant.funding_stream.name][p.organisation.name] += p.realised
        return {k: dict(v) for k, v in out.items()}

    def ledger_realisation(self, entries, stream: str, rows) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for org, amount in entries.filter(kind=KIND.REALISATION, funding_stream__name=stream,
                                          organisation__name__in=list(rows)).values_list(
                "organisation__name", "amount"):
            out[org] += amount
        return dict(out)
