"""Lump sums split over the partners: keys, plans, tranches, and apportionment to the cent.

- `apportionment`: `apportion` (a contract, see DESIGN.md), `apportioner` (the same for
  many totals over one key), `shares`, `percentages`,
  `instalments`, `exact_share`; re-exported here, so `budgets.allocation.apportion` works.
- `services` (writes), `selectors` (reads), `views` and `urls` (the pages).

Only the pure apportionment is imported here, so importing this package loads no models.
"""

from .apportionment import (
    CENT,
    PERCENT_PLACES,
    apportion,
    apportioner,
    exact_share,
    instalments,
    percentages,
    shares,
)

__all__ = ["CENT", "PERCENT_PLACES", "apportion", "apportioner", "exact_share", "instalments",
           "percentages", "shares"]
