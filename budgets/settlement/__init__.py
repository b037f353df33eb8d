"""The year closes: advances paid, each lump sum settled, the reserve, the annual account.

- `models`: AdvancePayment (a payment of a tranche), Settlement with its key and lines.
- `rules`: the pure arithmetic of a settlement (what happens to a surplus or a deficit),
  exact to the cent through `budgets.allocation.apportion`.
- `services` (writes: payments, settlements, their carrying out), `selectors` (reads: the
  advances, what a settlement comes to, the reserve, the annual account's figures).
- `subject`: a settlement as the subject of a board proposal (cooperatie/governance/).
- `views`, `urls`, `templates/settlement/`: the pages.
"""
