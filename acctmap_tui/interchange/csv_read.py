"""Reading CSV files as spreadsheets and CRMs write them: any common encoding and delimiter.

Files come from Excel (UTF-8 with a BOM, UTF-16, or Windows-1252 when saved as plain
"CSV"), from Salesforce and HubSpot (UTF-8), and from European locales (semicolons).
The encoding is taken from the byte-order mark, else UTF-8, else Windows-1252; the
delimiter is sniffed among comma, semicolon and tab. Parsing itself is the standard
library's :mod:`csv`, so quoted fields may hold delimiters, quotes and line breaks.

Rows are numbered as a spreadsheet shows them (the header is row 1, and a blank line
is a row too), so an error message points at the row a person will look at.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from acctmap_tui.errors import AcctmapError

DELIMITERS = ",;\t"
"""The delimiters sniffed for, in order of preference on a tie."""

SNIFF_CHARS = 64 * 1024
"""How much of the file the delimiter is sniffed from."""

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
"""Longest first: the UTF-32 LE mark begins with the UTF-16 LE one."""

# Large files have long rows; the default limit (128 KiB per field) is kept, but a
# notes column pasted from a document can exceed it.
csv.field_size_limit(16 * 1024 * 1024)


class CsvReadError(AcctmapError):
    """The file cannot be read as CSV text; the message says why."""


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One record of the file, with where it is."""

    number: int
    """The row as a spreadsheet numbers it: the header is row 1."""
    line: int
    """The physical line of the file the record starts on (1-based)."""
    cells: list[str]


@dataclass(frozen=True)
class CsvFile:
    """A decoded file: its header, how it was read, and its data rows (read on demand)."""

    headers: tuple[str, ...]
    encoding: str
    delimiter: str
    header_row: int
    """The header's row number (1 unless blank lines come first)."""
    line_count: int
    """Physical lines in the file: a cheap upper bound on the number of rows."""
    text: str

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))

    def rows(self) -> Iterator[CsvRow]:
        """The data rows after the header; blank rows are left out but keep their number."""
        # _Records' numbering, inlined: this loop runs once per row of a large file.
        text = io.StringIO(self.text, newline="")
        reader = csv.reader(text, delimiter=self.delimiter, strict=False)
        header_row = self.header_row
        line = 1
        for number, cells in enumerate(reader, start=1):
            if number > header_row and cells and "".join(cells).strip():
                yield CsvRow(number, line, cells)
            line = reader.line_num + 1


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with.

    A byte-order mark decides; without one, UTF-8 if the bytes are valid UTF-8, else
    Windows-1252 (what Excel writes as "CSV" on Windows in Western locales).

    Raises:
        CsvReadError: the bytes are neither (e.g. a spreadsheet saved as .xlsx).
    """
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise CsvReadError(
                    f"the file starts with a {encoding.upper()} byte-order mark but is not "
                    f"valid {encoding.upper()} at byte {error.start}"
                ) from None
            return text.removeprefix("\ufeff"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if data.startswith(b"PK\x03\x04"):
        raise CsvReadError("this is a zip archive (an .xlsx workbook?); save it as CSV first")
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        raise CsvReadError(
            f"the file is not text in UTF-8, UTF-16 or Windows-1252 (byte {error.start}); "
            "save it as CSV (UTF-8)"
        ) from None


class _Records:
    """``csv.reader`` over text, yielding (row number, first line, cells)."""

    def __init__(self, text: str, delimiter: str) -> None:
        self._reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)

    def __iter__(self) -> Iterator[tuple[int, int, list[str]]]:
        line = 1
        for number, cells in enumerate(self._reader, start=1):
            yield number, line, cells
            line = self._reader.line_num + 1


def _widths(sample: str, delimiter: str) -> list[int]:
    """Cells per non-blank record of the sample, the (maybe cut) last one left out."""
    records = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
    widths = [len(cells) for cells in records if any(cell.strip() for cell in cells)]
    return widths[:-1] if len(widths) > 1 else widths


def sniff_delimiter(sample: str) -> str:
    """Comma, semicolon or tab: the one that splits the sample into consistent rows.

    :class:`csv.Sniffer` is asked first; its answer is kept when it gives the header
    more than one column and every row the same width. Otherwise the delimiter whose
    rows most often match the header's width (and widest header on a tie) wins, so a
    one-column file or a sample cut mid-field still reads.
    """
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed is not None and len(sniffed) == 1 and sniffed in DELIMITERS:
        widths = _widths(sample, sniffed)
        if widths and widths[0] > 1 and all(width == widths[0] for width in widths):
            return sniffed

    def score(delimiter: str) -> tuple[int, int, int]:
        widths = _widths(sample, delimiter)
        if not widths or widths[0] < 2:
            return (0, 0, -DELIMITERS.index(delimiter))
        matching = sum(width == widths[0] for width in widths)
        return (matching, widths[0], -DELIMITERS.index(delimiter))

    return max(DELIMITERS, key=score)


def _trim_trailing_blank(headers: list[str]) -> tuple[str, ...]:
    """Header cells without the empty ones at the end (a spreadsheet's stray columns)."""
    while headers and not headers[-1].strip():
        headers.pop()
    return tuple(header.strip() for header in headers)


def read_text(text: str, *, encoding: str = "utf-8") -> CsvFile:
    """The CSV file in ``text``: delimiter sniffed, header found.

    An Excel ``sep=;`` first line names the delimiter and is skipped.

    Raises:
        CsvReadError: no header (an empty file, or only blank lines).
    """
    first_line, _, rest = text.partition("\n")
    hint = first_line.strip()
    if hint.lower().startswith("sep=") and len(hint) == 5:
        delimiter = hint[4]
        text = rest
    else:
        delimiter = sniff_delimiter(text[:SNIFF_CHARS])
    header: tuple[str, ...] = ()
    header_row = 0
    for number, _line, cells in _Records(text, delimiter):
        if any(cell.strip() for cell in cells):
            header, header_row = _trim_trailing_blank(cells), number
            break
    if not header:
        raise CsvReadError("the file has no header row (it is empty or blank)")
    return CsvFile(
        headers=header,
        encoding=encoding,
        delimiter=delimiter,
        header_row=header_row,
        line_count=text.count("\n") + 1,
        text=text,
    )


def read_csv(path: Path) -> CsvFile:
    """The CSV file at ``path``, decoded and sniffed.

    Raises:
        CsvReadError: it cannot be read, decoded or has no header.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CsvReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CsvReadError(f"{path} is a folder, not a CSV file") from None
    except OSError as error:
        raise CsvReadError(f"cannot read {path}: {error.strerror or error}") from None
    text, encoding = decode(data)
    return read_text(text, encoding=encoding)
