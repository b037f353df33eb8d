"""The zip container of .xlsx and .ods files, checked from its directory before anything in it
is unpacked: a file whose parts would unpack out of proportion (a zip bomb), that has too many
parts, or is encrypted, is refused at once."""

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

from . import errors

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one upload may cost. The defaults fit the product's templates many times over."""

    max_bytes: int = 0  # the file itself; 0 = settings.UPLOAD_MAX_BYTES
    max_rows: int = 0  # rows with something in them, per sheet; 0 = settings.UPLOAD_MAX_ROWS
    max_columns: int = 256  # cells to the right of this are not read
    max_parts: int = 1000
    max_unpacked: int = 100 * MB  # all parts together
    max_ratio: int = 100  # unpacked / packed, for a part of more than 1 MB unpacked
    max_strings: int = 500_000  # distinct texts in a workbook (shared strings)
    max_cells: int = 1_000_000  # filled cells read from one sheet
    max_small_part: int = 10 * MB  # workbook, styles, relationships, content types

    def resolved(self) -> "Limits":
        return Limits(
            max_bytes=self.max_bytes or settings.UPLOAD_MAX_BYTES,
            max_rows=self.max_rows or settings.UPLOAD_MAX_ROWS,
            max_columns=self.max_columns, max_parts=self.max_parts,
            max_unpacked=self.max_unpacked, max_ratio=self.max_ratio,
            max_strings=self.max_strings, max_cells=self.max_cells,
            max_small_part=self.max_small_part)


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise errors.not_valid() from None
    if len(infos) > limits.max_parts:
        raise errors.out_of_proportion()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise errors.not_valid()  # which of two parts with one name would count?
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise errors.locked_or_old()
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise errors.not_valid()
        total += info.file_size
        if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size,
                                                                           1):
            raise errors.out_of_proportion()
    if total > limits.max_unpacked:
        raise errors.out_of_proportion()
    return archive


def read_small(archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes | None:
    """A small part's bytes, None when the file has no such part. zipfile never returns more
    than the directory declares (and fails on a checksum that does not match)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limits.max_small_part:
        raise errors.out_of_proportion()
    return archive.read(info)
