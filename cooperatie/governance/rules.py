"""The voting rules, in one place: votes → result (pure functions, no database).

Per cooperative: `quorum_percent` and `majority` on Cooperative; four-eyes always.

- Only seated board members vote (checked when the vote is cast), one vote each, for, against
  or abstain, with an optional reason.
- A vote with a declared conflict of interest counts for nothing: not for or against, and not
  towards the quorum either.
- A vote cast by proxy (a seated member authorised by the member) counts as the member's own
  vote; the member's conflict of interest makes it count for nothing too. How many counted
  votes were cast by proxy is part of the result.
- Quorum: the counted votes (for, against and abstain) are at least `quorum_percent` % of the
  board members seated on the day the vote closes.
- Majority of the votes for and against (abstentions are not cast votes): simple: more for
  than against (a tie is not a majority); two-thirds: at least two thirds for.
- Four-eyes: at least two distinct approvers (counted votes for), and the one who drafted the
  proposal is never the only approver.

Adopted only when all three hold; otherwise rejected, and the decision says why.
"""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
SIMPLE, TWO_THIRDS = "simple", "two_thirds"


@dataclass(frozen=True)
class Tally:
    votes_for: int
    votes_against: int
    votes_abstain: int
    votes_conflicted: int
    votes_by_proxy: int  # counted votes cast by a proxy holder
    seated: int
    approvers: frozenset[int]  # user ids of the counted votes for
    quorum_reached: bool
    majority_reached: bool
    four_eyes_met: bool
    explanation: list[str]

    @property
    def adopted(self) -> bool:
        return self.quorum_reached and self.majority_reached and self.four_eyes_met

    @property
    def counted(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


def tally(votes, *, seated: int, drafter_id: int, quorum_percent: int,
          majority: str) -> Tally:
    """Apply the rules in the module docstring to `votes` (objects with user_id, cast_by_id,
    choice and conflict_of_interest; one per member); `seated` is the number of board members
    seated at closing."""
    counted = [v for v in votes if not v.conflict_of_interest]
    conflicted = len(votes) - len(counted)
    n_for = sum(1 for v in counted if v.choice == FOR)
    n_against = sum(1 for v in counted if v.choice == AGAINST)
    n_abstain = sum(1 for v in counted if v.choice == ABSTAIN)
    approvers = frozenset(v.user_id for v in counted if v.choice == FOR)
    by_proxy = sum(1 for v in counted if v.cast_by_id != v.user_id)
    lines = []

    quorum = seated > 0 and len(counted) * 100 >= quorum_percent * seated
    lines.append(gettext(
        "Quorum %(result)s: %(counted)s van de %(seated)s zittende bestuursleden stemden mee "
        "(nodig: %(percent)s%%)."
    ) % {"result": gettext("gehaald") if quorum else gettext("niet gehaald"),
         "counted": len(counted), "seated": seated, "percent": quorum_percent})
    if conflicted:
        lines.append(gettext(
            "%(n)s stem(men) met een belangenconflict telden niet mee.") % {"n": conflicted})
    if by_proxy:
        lines.append(gettext(
            "%(n)s van de meegetelde stemmen werd(en) bij volmacht uitgebracht.") % {"n": by_proxy})

    if majority == TWO_THIRDS:
        majority_ok = n_for > 0 and 3 * n_for >= 2 * (n_for + n_against)
        rule = gettext("twee derde van de stemmen voor en tegen")
    else:
        majority_ok = n_for > n_against
        rule = gettext("meer stemmen voor dan tegen")
    lines.append(gettext(
        "Meerderheid %(result)s: %(for)s voor, %(against)s tegen, %(abstain)s onthouding "
        "(regel: %(rule)s)."
    ) % {"result": gettext("gehaald") if majority_ok else gettext("niet gehaald"),
         "for": n_for, "against": n_against, "abstain": n_abstain, "rule": rule})

    others = approvers - {drafter_id}
    four_eyes = len(approvers) >= 2 and bool(others)
    if four_eyes:
        lines.append(gettext(
            "Vier ogen: %(n)s verschillende bestuursleden stemden voor.") % {"n": len(approvers)})
    elif approvers == {drafter_id}:
        lines.append(gettext(
            "Vier ogen niet voldaan: alleen de opsteller stemde voor; er zijn ten minste twee "
            "verschillende voorstemmers nodig."))
    else:
        lines.append(gettext(
            "Vier ogen niet voldaan: %(n)s voorstemmer(s); er zijn ten minste twee "
            "verschillende voorstemmers nodig.") % {"n": len(approvers)})
    return Tally(n_for, n_against, n_abstain, conflicted, by_proxy, seated, approvers, quorum,
                 majority_ok, four_eyes, lines)


def state_key(votes, seated_ids) -> str:
    """A short fingerprint of everything the result depends on (the votes and who is
    seated): a confirmation shown for one state is refused when the state has changed."""
    parts = sorted((v.user_id, v.cast_by_id, v.choice, bool(v.conflict_of_interest))
                   for v in votes)
    text = repr((parts, sorted(seated_ids)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
