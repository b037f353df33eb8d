"""Workbooks written part by part, as an attacker (or an odd spreadsheet program) would: the
hostile files of issue 20, and real workbooks with one part swapped."""

import io
import zipfile

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{main}"/>
{sheets}
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
{extra}
</Types>"""
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def sheet_xml(rows: str, dimension: str = "A1") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>'
            f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>')


def strings_xml(strings, count=None) -> str:
    body = "".join(f"<si><t>{s}</t></si>" for s in strings)
    n = len(strings) if count is None else count
    return f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{n}" uniqueCount="{n}">' \
           f"{body}</sst>"


def build(sheets: dict[str, str], strings: str | None = None, *, main=MAIN,
          extra_parts: dict[str, bytes] | None = None, extra_types: str = "",
          styles: str | None = None) -> bytes:
    """An .xlsx from sheet XML by name (in order), shared strings XML and extra parts."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1))
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {REL_NS}><sheets>'
                + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, n in enumerate(names, start=1))
                + "</sheets></workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
                      f'officeDocument/2006/relationships/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
            + f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/'
              'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            + f'<Relationship Id="rId{len(names) + 2}" Type="http://schemas.openxmlformats.org/'
              'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            + "</Relationships>")
    parts = {
        "[Content_Types].xml": CONTENT_TYPES.format(main=main, sheets=overrides,
                                                    extra=extra_types),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": rels,
        "xl/sharedStrings.xml": strings if strings is not None else strings_xml([]),
    }
    if styles is not None:
        parts["xl/styles.xml"] = styles
    for i, name in enumerate(names, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheets[name]
    for name, data in (extra_parts or {}).items():
        parts[name] = data
    return zip_parts(parts)


def zip_parts(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return out.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def sheet_part(data: bytes, name: str) -> str:
    """The part name of sheet `name` in a real workbook."""
    from cooperatie.spreadsheets import open_workbook

    return open_workbook(data)._backend.sheet_parts[name]


def swap_part(data: bytes, name: str, content: str | bytes) -> bytes:
    parts = parts_of(data)
    parts[name] = content
    return zip_parts(parts)


# --- the hostile files of issue 20 -------------------------------------------------------

XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                    for i in range(1, 10)) + "]>")


def with_sheet(template: bytes, sheet: str, xml: str) -> bytes:
    return swap_part(template, sheet_part(template, sheet), xml)


def xxe_in_sheet(template: bytes, sheet: str) -> bytes:
    return with_sheet(template, sheet, XXE + f'<worksheet {NS}><sheetData><row r="1">'
                      '<c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>'
                      "</worksheet>")


def xxe_in_strings(template: bytes) -> bytes:
    return swap_part(template, "xl/sharedStrings.xml",
                     XXE + f'<sst {NS} count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>')


def billion_laughs(template: bytes, sheet: str) -> bytes:
    return with_sheet(template, sheet, LAUGHS + f'<worksheet {NS}><sheetData><row r="1">'
                      '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
                      "</worksheet>")


def nul_byte(template: bytes, sheet: str) -> bytes:
    part = sheet_part(template, sheet)
    xml = parts_of(template)[part]
    return swap_part(template, part, xml.replace(b"<sheetData>", b"<sheetData>\x00", 1))


def string_bomb(template: bytes, count: int = 2_000_000) -> bytes:
    """Two million unused shared strings: tens of MB unpacked, under 100 KB packed."""
    body = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{count}" ' \
           f'uniqueCount="{count}">' + "<si><t>x</t></si>" * count + "</sst>"
    return swap_part(template, "xl/sharedStrings.xml", body)


def huge_dimension(template: bytes, sheet: str, header: list[str], rows: int = 4000,
                   column: str = "A", value: str = "x") -> bytes:
    """A sheet that declares A1:XFD60000 and has one-cell rows (issue 20 item 1)."""
    head = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                   for i, h in enumerate(header))
    body = "".join(f'<row r="{r}"><c r="{column}{r}" t="inlineStr"><is><t>{value}</t></is>'
                   f"</c></row>" for r in range(2, rows + 2))
    return with_sheet(template, sheet, sheet_xml(f'<row r="1">{head}</row>{body}',
                                                 "A1:XFD60000"))


def with_macros(template: bytes) -> bytes:
    """The template as an .xlsm: a VBA project and the macro-enabled content type."""
    parts = parts_of(template)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        MAIN.encode(), MACRO_MAIN.encode()).replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/'
                     b'vnd.ms-office.vbaProject"/></Types>')
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    return zip_parts(parts)
