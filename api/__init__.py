"""The read API for BI tools and finance systems (under /api/), and the personal API tokens it
reads with. It reads from budgets, realisation, allocation, governance and evaluation, so it
sits above them; nothing below imports it."""
