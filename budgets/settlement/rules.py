"""The arithmetic of a settlement, pure (no database): what a cooperative's rule does with
each partner's surplus or deficit, exact to the cent.

Per partner: result = allocated − realised; positive is a surplus, negative a deficit.

- A surplus is split over its destinations by the rule's surplus shares (percentages that
  add up to 100): it stays with the partner, goes to the cooperative's reserve, goes back to
  the funder, or goes into a pool that is redistributed over the partners by the key.
- A deficit likewise by the deficit shares: borne by the partner itself, by the reserve, or
  put in a pool that every partner bears a part of by the key.
- Every split goes through `budgets.allocation.apportion`, so each part is within a cent
  of its exact share and the parts add up exactly to what was split.

What each partner finally gets from the lump sum (settled):
    settled = realised + kept − borne + key_received − key_borne
and the money is conserved exactly:
    Σ settled + (to the reserve − from the reserve) + to the funder = Σ allocated.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from budgets.allocation import apportion

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
PLACES = Decimal("0.0001")
SURPLUS_TO = ("partner", "reserve", "funder", "key")
DEFICIT_TO = ("partner", "reserve", "key")


def _labels() -> dict[str, str]:
    return {"partner": _("bij de partner"), "reserve": _("de reserve"),
            "funder": _("terug naar de financier"), "key": _("naar de sleutel")}


def nl(value: Decimal) -> str:
    """A number as the Dutch write it in a message: 12,5 (no grouping, no trailing zeros)."""
    return format(value.normalize(), "f").replace(".", ",")


@dataclass(frozen=True)
class Rule:
    surplus: Mapping[str, Decimal]  # SURPLUS_TO → percentage
    deficit: Mapping[str, Decimal]  # DEFICIT_TO → percentage
    key: Mapping[Hashable, Decimal] = field(default_factory=dict)  # partner → percentage

    @property
    def uses_key(self) -> bool:
        return bool(self.surplus.get("key")) or bool(self.deficit.get("key"))


def _check_percentage(value, what: str) -> str | None:
    if not isinstance(value, Decimal) or not value.is_finite():
        return _("%(what)s: vul een percentage in.") % {"what": what}
    if value != value.quantize(PLACES):
        return _("%(what)s: een percentage heeft hoogstens 4 decimalen (%(value)s).") % {
            "what": what, "value": nl(value)}
    if value < 0:
        return _("%(what)s: een percentage kan niet negatief zijn (%(value)s).") % {
            "what": what, "value": nl(value)}
    if value > HUNDRED:
        return _("%(what)s: een percentage is hoogstens 100 (%(value)s).") % {
            "what": what, "value": nl(value)}
    return None


def check_rule(rule: Rule, partners: Mapping[Hashable, str]) -> list[str]:
    """Everything wrong with a rule, in Dutch; `partners` maps each partner of the settlement
    to its name (the key may only hold these)."""
    labels = _labels()
    problems = []
    for name, shares, kinds, title in (
            ("surplus", rule.surplus, SURPLUS_TO, _("Overschot")),
            ("deficit", rule.deficit, DEFICIT_TO, _("Tekort"))):
        own = [p for kind in kinds
               if (p := _check_percentage(shares.get(kind), f"{title} {labels[kind]}"))]
        problems += own
        if not own:
            total = sum((shares[k] for k in kinds), Decimal(0))
            if total != HUNDRED:
                problems.append(
                    (_("De bestemming van een overschot telt op tot %(total)s%%; dat moet "
                       "precies 100%% zijn.") if name == "surplus" else
                     _("Wie een tekort draagt telt op tot %(total)s%%; dat moet precies 100%% "
                       "zijn.")) % {"total": nl(total)})
    if not rule.uses_key:
        return problems
    own = []
    for partner, value in rule.key.items():
        if partner not in partners:
            own.append(_("De sleutel noemt een organisatie die geen partner van deze "
                         "vaststelling is."))
        elif problem := _check_percentage(value, _("Sleutel, %(org)s") % {
                "org": partners[partner]}):
            own.append(problem)
    problems += own
    if not own:
        total = sum(rule.key.values(), Decimal(0))
        if total != HUNDRED:
            problems.append(_("De sleutel voor herverdelen telt op tot %(total)s%%; dat moet "
                              "precies 100%% zijn.") % {"total": nl(total)})
    return problems


@dataclass
class PartnerOutcome:
    allocated: Decimal
    realised: Decimal
    kept: Decimal = ZERO
    borne: Decimal = ZERO
    to_reserve: Decimal = ZERO
    from_reserve: Decimal = ZERO
    to_funder: Decimal = ZERO
    to_key: Decimal = ZERO
    deficit_to_key: Decimal = ZERO
    key_received: Decimal = ZERO
    key_borne: Decimal = ZERO

    @property
    def result(self) -> Decimal:
        """Positive: a surplus (less realised than allocated); negative: a deficit."""
        return self.allocated - self.realised

    @property
    def surplus(self) -> Decimal:
        return max(self.result, ZERO)

    @property
    def deficit(self) -> Decimal:
        return max(-self.result, ZERO)

    @property
    def settled(self) -> Decimal:
        return self.realised + self.kept - self.borne + self.key_received - self.key_borne

    @property
    def difference(self) -> Decimal:
        """Settled − allocated: what the settlement adds to (or takes from) the allocation."""
        return self.settled - self.allocated


PARTS = ("allocated", "realised", "kept", "borne", "to_reserve", "from_reserve", "to_funder",
         "to_key", "deficit_to_key", "key_received", "key_borne")


@dataclass
class Outcome:
    partners: dict  # partner → PartnerOutcome, in the order given

    def total(self, part: str) -> Decimal:
        return sum((getattr(p, part) for p in self.partners.values()), ZERO)

    @property
    def reserve_net(self) -> Decimal:
        """What the reserve gains (negative: what it loses)."""
        return self.total("to_reserve") - self.total("from_reserve")


def settle(rule: Rule, figures: Mapping[Hashable, tuple[Decimal, Decimal]]) -> Outcome:
    """Apply the rule to (allocated, realised) per partner. The rule must be checked
    (`check_rule`); raises ValueError otherwise (from `apportion`)."""
    outcomes = {p: PartnerOutcome(allocated, realised)
                for p, (allocated, realised) in figures.items()}
    for outcome in outcomes.values():
        if outcome.surplus:
            parts = apportion(outcome.surplus, {k: rule.surplus[k] for k in SURPLUS_TO})
            outcome.kept, outcome.to_reserve = parts["partner"], parts["reserve"]
            outcome.to_funder, outcome.to_key = parts["funder"], parts["key"]
        elif outcome.deficit:
            parts = apportion(outcome.deficit, {k: rule.deficit[k] for k in DEFICIT_TO})
            outcome.borne, outcome.from_reserve = parts["partner"], parts["reserve"]
            outcome.deficit_to_key = parts["key"]
    result = Outcome(outcomes)
    for pool, part in (("to_key", "key_received"), ("deficit_to_key", "key_borne")):
        amount = result.total(pool)
        if amount:
            for partner, share in apportion(amount, dict(rule.key)).items():
                setattr(outcomes[partner], part, share)
    return result
