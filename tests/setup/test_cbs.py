"""Inhabitants from CBS's "Kerncijfers wijken en buurten" table, as CBS publishes it (CSV with
semicolons, padded values and "." for missing; or Excel), matched by code; all or nothing."""

import io

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError

from cooperatie.models import Neighbourhood, Population
from cooperatie.setup import cbs, services

HEADER = ["gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi",
          "a_inw", "a_man", "a_vrouw"]


def heerlen_rows(tom_codes=(), missing=(), secret=()):
    """Rows as CBS has them: the municipality, a district, its neighbourhoods, and others."""
    hoods = list(Neighbourhood.objects.filter(cooperative__code="heerlen").order_by("code"))
    rows = [["GM0917", "917", "Heerlen", "Heerlen", "Gemeente", "GM0917", ".", "87000", "43000",
             "44000"],
            ["WK091701", "91701", "Hoensbroek", "Heerlen", "Wijk", "WK091701", "1", "20000", ".",
             "."]]
    for i, hood in enumerate(hoods):
        if hood.code in missing:
            continue
        count = "." if hood.code in secret else str(7000 + i)
        rows.append([hood.code, hood.code[2:], hood.name, "Heerlen", "Buurt", hood.code, "1",
                     count, ".", "."])
    rows.append(["BU09179999", "9179999", "Bedrijventerrein", "Heerlen", "Buurt", "BU09179999",
                 "1", "15", ".", "."])
    rows.append(["BU03630000", "3630000", "Burgwallen-Oude Zijde", "Amsterdam", "Buurt",
                 "BU03630000", "1", "4200", ".", "."])
    return rows


def csv_bytes(rows, encoding="cp1252") -> bytes:
    """As CBS writes it: semicolons, every value padded to its column's width."""
    widths = [max(len(r[i]) for r in [HEADER, *rows]) + 2 for i in range(len(HEADER))]
    lines = [";".join(v.rjust(w) for v, w in zip(r, widths, strict=True))
             for r in [HEADER, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("kwb-2025")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if c >= 7 and value != ".":
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_string(r, c, value)
    book.close()
    return output.getvalue()


@pytest.mark.parametrize("make,name", [(csv_bytes, "kwb-2025.csv"), (xlsx_bytes, "kwb-2025.xlsx")])
def test_a_cbs_table_updates_inhabitants(heerlen, users, make, name):
    table, errors = cbs.read_table(make(heerlen_rows()), filename=name)
    assert errors == []
    assert table.inhabitants["BU09170101"] == 7000 and table.inhabitants["BU03630000"] == 4200
    assert "GM0917" not in table.inhabitants and "WK091701" not in table.inhabitants
    admin = users["heerlen-beheerder"]
    result = services.inhabitants_load(cooperative=heerlen, year=2027, table=table, actor=admin,
                                       reason="CBS kerncijfers 2025")
    assert len(result.changes) == 18 and result.unchanged == 0
    assert result.same_municipality == ["BU09179999"] and result.elsewhere == 1
    population = Population.objects.get(neighbourhood__code="BU09170101", year=2027)
    assert population.inhabitants == 7000
    record = population.history.first()
    assert (record.history_user, record.history_change_reason) == (admin, "CBS kerncijfers 2025")
    again = services.inhabitants_load(cooperative=heerlen, year=2027, table=table, actor=admin,
                                      reason="x")
    assert again.changes == [] and again.unchanged == 18


def test_existing_figures_are_updated_old_to_new(heerlen, users):
    table, _errors = cbs.read_table(csv_bytes(heerlen_rows(), "utf-8-sig"), filename="k.csv")
    result = services.inhabitants_load(cooperative=heerlen, year=2026, table=table,
                                       actor=users["heerlen-beheerder"], reason="r", dry_run=True)
    first = next(c for c in result.changes if c.code == "BU09170101")
    assert first.fields == (("inwoners 2026", "6.211", "7.000"),)
    assert Population.objects.get(neighbourhood__code="BU09170101", year=2026).inhabitants == 6211


def test_neighbourhoods_missing_from_the_table_are_named_and_nothing_is_loaded(heerlen, users):
    rows = heerlen_rows(missing={"BU09170102"}, secret={"BU09170103"})
    table, errors = cbs.read_table(csv_bytes(rows), filename="kwb-2025.csv")
    assert errors == []
    with pytest.raises(ValidationError) as excinfo:
        services.inhabitants_load(cooperative=heerlen, year=2027, table=table,
                                  actor=users["heerlen-beheerder"], reason="r")
    assert excinfo.value.messages == [
        "Buurt BU09170102 (Mariarade) staat niet in de tabel. Vul het aantal inwoners in 2027 "
        "eerst zelf in via het structuurwerkboek; dat blijft dan staan.",
        "Blad kwb-2025, rij 5, kolom a_inw: de tabel geeft voor buurt BU09170103 (Nieuw "
        "Lotbroek) geen aantal inwoners ('.'). Vul het aantal in 2027 eerst zelf in via het "
        "structuurwerkboek; dat blijft dan staan.",
    ]
    assert not Population.objects.filter(neighbourhood__cooperative=heerlen, year=2027).exists()
    # Entered by hand, they stay; the rest comes from the table.
    for code, n in (("BU09170102", 4100), ("BU09170103", 3900)):
        Population.objects.create(neighbourhood=Neighbourhood.objects.get(code=code), year=2027,
                                  inhabitants=n)
    result = services.inhabitants_load(cooperative=heerlen, year=2027, table=table,
                                       actor=users["heerlen-beheerder"], reason="r")
    assert result.kept == ["BU09170102", "BU09170103"] and len(result.changes) == 16
    assert Population.objects.get(neighbourhood__code="BU09170103", year=2027).inhabitants == 3900


def test_bad_figures_and_files_are_named(heerlen):
    rows = heerlen_rows()
    rows[3][7] = "veel"
    rows[4][7] = "-3"
    table, errors = cbs.read_table(csv_bytes(rows), filename="kwb.csv")
    assert table is None
    assert errors == ["Blad kwb, rij 5, kolom a_inw: 'veel' is geen aantal inwoners.",
                      "Blad kwb, rij 6, kolom a_inw: '-3' is geen aantal inwoners."]
    _table, errors = cbs.read_table(b"naam;inwoners\nx;1\n", filename="eigen.csv")
    assert "kolommen 'gwb_code' en 'a_inw'" in errors[0]
    _table, errors = cbs.read_table(b"", filename="leeg.csv")
    assert errors == ["Het bestand is leeg."]


def test_only_the_administrator_loads_inhabitants(heerlen, users):
    table, _errors = cbs.read_table(csv_bytes(heerlen_rows()), filename="kwb.csv")
    for name in ("heerlen-voorzitter", "tom-beheerder"):
        with pytest.raises(PermissionDenied):
            services.inhabitants_load(cooperative=heerlen, year=2027, table=table,
                                      actor=users[name], reason="r")
