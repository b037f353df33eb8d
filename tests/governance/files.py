"""Small real files of every kind a proposal accepts, and some that pretend."""

import io
import zipfile

import xlsxwriter

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
          'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '</Types>')


def _zip(parts: dict[str, bytes | str], first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first), parts[first])  # stored, first: ODF rule
        for name, data in parts.items():
            if name != first:
                archive.writestr(name, data)
    return out.getvalue()


def docx() -> bytes:
    return _zip({"[Content_Types].xml": _TYPES,
                 "word/document.xml": "<w:document xmlns:w='x'><w:body/></w:document>"})


def odt() -> bytes:
    return _zip({"mimetype": "application/vnd.oasis.opendocument.text",
                 "content.xml": "<office:document-content xmlns:office='x'/>"}, first="mimetype")


def xlsx() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet("Begroting").write(0, 0, "Bedrag")
    book.close()
    return out.getvalue()


def xlsm() -> bytes:
    return _zip({"[Content_Types].xml": _TYPES.replace(
        "wordprocessingml.document.main+xml", "spreadsheetml.sheet.macroEnabled.main+xml"),
        "xl/vbaProject.bin": b"\0" * 10})


def zip_bomb() -> bytes:
    return _zip({"[Content_Types].xml": _TYPES, "word/document.xml": b"0" * (20 * 1024 * 1024)})
