"""The decision register of a year: every decision with its number, date, kind, subject,
tally, proxies and reasons; every vote; every document with its SHA-256 checksum. The
totals of the tally are checked against the decisions as recorded, the documents per
decision against the stored attachments."""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from cooperatie.governance import selectors
from cooperatie.governance.models import Decision, ProposalDocument
from reports.builders import Report, check_each, check_equal
from reports.writer import Column

YES_NO = {True: "ja", False: "nee"}
TALLY = ["Voor", "Tegen", "Onthouding", "Belangenconflict", "Bij volmacht"]
FIELDS = ["votes_for", "votes_against", "votes_abstain", "votes_conflicted", "votes_by_proxy"]

DECISIONS = [
    Column("Besluit", "text", 10), Column("Datum", "date", 11), Column("Soort", "text", 22),
    Column("Onderwerp", "text", 44), Column("Versie", "int", 7), Column("Uitkomst", "text", 11),
    *[Column(header, "int", 10, total=True) for header in TALLY],
    Column("Zittende bestuursleden", "int", 11), Column("Quorum gehaald", "text", 9),
    Column("Meerderheid gehaald", "text", 11), Column("Vier ogen voldaan", "text", 9),
    Column("Hoe gesloten", "text", 30), Column("Bijlagen", "int", 9, total=True),
    Column("Uitleg van de uitslag", "text", 60), Column("Overwegingen", "text", 60),
]
VOTES = [
    Column("Besluit", "text", 10), Column("Bestuurslid", "text", 26), Column("Stem", "text", 11),
    Column("Belangenconflict", "text", 11), Column("Uitgebracht door", "text", 30),
    Column("Uitgebracht op", "datetime", 16), Column("Gewijzigd op", "datetime", 16),
    Column("Toelichting", "text", 50),
]
DOCUMENTS = [
    Column("Besluit", "text", 10), Column("Bestand", "text", 36), Column("Soort", "text", 8),
    Column("Grootte (bytes)", "int", 13), Column("SHA-256", "text", 66),
    Column("Toegevoegd op", "datetime", 16),
]


def _name(user) -> str:
    return user.get_full_name() or user.username if user else ""


class DecisionsReport(Report):
    slug = "decisions"
    title = _("Besluitenregister")

    def about(self, scope):
        return [("Besluiten", f"Alle besluiten van het bestuur in {scope.year} (op nummer). "
                              "Een stem met een belangenconflict telt niet mee; een stem bij "
                              "volmacht telt voor de volmachtgever.")]

    def write(self, writer, scope, progress) -> int:
        decisions = sorted(selectors.register(scope.cooperative, year=scope.year),
                           key=lambda d: d.sequence)
        by_proposal: dict[int, list[ProposalDocument]] = {}
        for doc in ProposalDocument.objects.filter(
                proposal__decision__in=decisions).order_by("uploaded_at", "id"):
            by_proposal.setdefault(doc.proposal_id, []).append(doc)
        rows, votes, documents = [], [], []
        for d in decisions:
            proposal = d.proposal
            attached = by_proposal.get(proposal.pk, [])
            note = d.subject.register_note() if d.subject else ""
            rows.append([
                d.number, d.decided_on, proposal.get_kind_display(),
                proposal.title + (f" ({note})" if note else ""), proposal.version,
                d.get_outcome_display(), *[getattr(d, f) for f in FIELDS], d.seated,
                YES_NO[d.quorum_reached], YES_NO[d.majority_reached], YES_NO[d.four_eyes_met],
                d.get_closure_display() + (f" ({_name(d.closed_by)})" if d.closed_by else ""),
                len(attached), d.explanation.replace("\n", "; "), d.reasons,
            ])
            votes += [[d.number, _name(v.user), v.get_choice_display(),
                       YES_NO[v.conflict_of_interest],
                       f"{_name(v.cast_by)}, bij volmacht" if v.by_proxy else "zelf",
                       v.cast_at, v.changed_at, v.reason] for v in proposal.votes.all()]
            documents += [[d.number, doc.filename, doc.get_kind_display(), doc.size, doc.sha256,
                           doc.uploaded_at] for doc in attached]
        table = writer.table("Besluiten", DECISIONS, rows,
                             title=f"Besluiten van het bestuur {scope.year}")
        recorded = Decision.objects.filter(cooperative=scope.cooperative, year=scope.year)
        sums = recorded.aggregate(**{f: Sum(f) for f in FIELDS})
        for header, field in zip(TALLY, FIELDS, strict=True):
            check_equal(f"Besluiten, {header}", table.total(header),
                        Decimal(sums[field] or 0))
        stored = ProposalDocument.objects.filter(proposal__decision__in=recorded)
        check_equal("Besluiten, Bijlagen", table.total("Bijlagen"), Decimal(stored.count()))
        check_each("Bijlagen bij besluit", {d.number: Decimal(r[-3]) for d, r in
                                            zip(decisions, rows, strict=True)},
                   {row["proposal__decision__number"]: Decimal(row["n"]) for row in
                    stored.values("proposal__decision__number").annotate(n=Count("id"))})
        writer.table("Stemmen", VOTES, votes, title=f"Elke stem op de besluiten van {scope.year}")
        writer.table("Bijlagen", DOCUMENTS, documents,
                     title=f"Bijlagen bij de besluiten van {scope.year}, met hun SHA-256")
        return table.rows + len(votes) + len(documents)
