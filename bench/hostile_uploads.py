"""Time and memory of the hostile files of issue 20 (and of a normal 10,000-line template) in
the one reader every upload goes through first.

    DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python -m bench.hostile_uploads

Prints a Markdown table: file size, seconds until refused (or read), peak Python memory
(tracemalloc) and the message. No database needed: the files are shaped like the budget
template (sheets Begroting and Inzet with their headers)."""

import io
import time
import tracemalloc

import django

django.setup()

import xlsxwriter  # noqa: E402

from cooperatie import spreadsheets as ss  # noqa: E402
from tests.spreadsheets import files  # noqa: E402

BEGROTING = ["Buurtcode", "Buurt", "Financieringsstroom", "Bedrag", "Toelichting"]
INZET = ["Teamcode", "Team", "Expertise", "FTE", "Kosten per FTE", "Toelichting", "Vanaf",
         "Tot en met"]


def template(lines: int = 20) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Begroting")
    sheet.write_row(0, 0, BEGROTING)
    for row in range(1, lines + 1):
        sheet.write_row(row, 0, [f"BU{row:08d}", f"Buurt {row}", "WMO"])
        sheet.write_number(row, 3, 1000 + row / 100)
        sheet.write_string(row, 4, f"toelichting {row}")
    book.add_worksheet("Inzet").write_row(0, 0, INZET)
    book.close()
    return out.getvalue()


CASES = {
    "memory blow-up: Inzet A1:XFD60000, 60,000 one-cell rows":
        lambda t: files.huge_dimension(t, "Inzet", INZET, rows=60_000),
    "memory blow-up: Inzet A1:XFD60000, 4,000 cells in column XFD":
        lambda t: files.huge_dimension(t, "Inzet", INZET, rows=4_000, column="XFD"),
    "zip bomb: 2 million shared strings": files.string_bomb,
    "external entity in a sheet": lambda t: files.xxe_in_sheet(t, "Begroting"),
    "external entity in the shared strings": files.xxe_in_strings,
    "billion laughs": lambda t: files.billion_laughs(t, "Begroting"),
    "NUL byte": lambda t: files.nul_byte(t, "Begroting"),
    ".xlsm with a VBA project": files.with_macros,
    "rows past <dimension ref=A1:E2> (read, not refused)":
        lambda t: files.with_sheet(t, "Begroting", files.sheet_xml(
            "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>BU{r}</t></is></c></row>'
                    for r in range(1, 4)), "A1:E2")),
    "normal template, 10,000 lines (read)": lambda t: template(10_000),
}


def measure(data: bytes) -> tuple[float, int, str]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        book = ss.open_workbook(data)
        rows = 0
        for name, columns in (("Begroting", 5), ("Inzet", 8)):
            sheet = book.sheet(name, columns=columns)
            rows += len(sheet.rows) if sheet else 0
        outcome = f"read: {rows} rows"
    except ss.Refused as exc:
        outcome = exc.messages[0]
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, outcome


def main() -> None:
    print("| file | size | time | peak memory | outcome |")
    print("| --- | --- | --- | --- | --- |")
    for name, make in CASES.items():
        data = make(template())
        seconds, peak, outcome = measure(data)
        print(f"| {name} | {len(data) / 1024:,.0f} KB | {seconds * 1000:,.0f} ms | "
              f"{peak / 1024 / 1024:,.1f} MB | {outcome[:90]} |")
    data = template(10_000)
    start = time.perf_counter()
    book = ss.open_workbook(data)
    sheet = book.sheet("Begroting", columns=5)
    cells = [row.cells(5) for row in sheet.body()]
    seconds = time.perf_counter() - start
    print(f"\nreader alone: {len(cells):,} lines in {seconds:.2f} s = "
          f"{len(cells) / seconds:,.0f} lines/s")


if __name__ == "__main__":
    main()
