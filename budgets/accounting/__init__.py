"""The bridge to the cooperative's accounting package: finance maps the ledger's kinds and
funding streams to general-ledger accounts, neighbourhoods to cost centres (kostenplaatsen)
and streams to cost units (kostendragers); `postings` turns a year's ledger into balanced
general-ledger transactions through that mapping, for the auditfile (XAF) and the CSV
journal (reports/builders)."""
