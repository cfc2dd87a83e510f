"""Reading CSV files: encodings, delimiters, quoting, blank lines and row numbers."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from acctmap_tui.interchange.csv_read import (
    CsvReadError,
    decode,
    read_csv,
    read_text,
    sniff_delimiter,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csv"


# --- encodings ---------------------------------------------------------------------------


def test_utf8_without_a_bom() -> None:
    assert decode("Zoë;Genève".encode()) == ("Zoë;Genève", "utf-8")


def test_utf8_with_a_bom_drops_the_mark() -> None:
    text, encoding = decode(codecs.BOM_UTF8 + "Account Name\r\nZoë\r\n".encode())
    assert encoding == "utf-8-sig"
    assert text == "Account Name\r\nZoë\r\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_either_byte_order(codec: str) -> None:
    mark = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text, encoding = decode(mark + "Name\tCity\r\nÅsa\tΑθήνα\r\n".encode(codec))
    assert encoding == "utf-16"
    assert text == "Name\tCity\r\nÅsa\tΑθήνα\r\n"


def test_windows_1252_when_not_utf8() -> None:
    text, encoding = decode("Société Générale;€1.000".encode("cp1252"))
    assert encoding == "windows-1252"
    assert text == "Société Générale;€1.000"


def test_a_workbook_is_refused_with_a_hint() -> None:
    with pytest.raises(CsvReadError, match="xlsx"):
        decode(b"PK\x03\x04\x14\x00\x06\x00\xff\xfe")


def test_bytes_in_no_supported_encoding_are_refused() -> None:
    with pytest.raises(CsvReadError, match="not text in UTF-8, UTF-16 or Windows-1252"):
        decode(b"Name\n\x81\x8d\x8f\n")


# --- delimiters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("Name,City,Stage\nAcme,Chicago,Lead\nBeta,Austin,Won\n", ","),
        ("Name;City;Stage\nAcme;Chicago;Lead\nBeta;Austin;Won\n", ";"),
        ("Name\tCity\tStage\nAcme\tChicago\tLead\nBeta\tAustin\tWon\n", "\t"),
        # Commas inside quoted values do not fool it.
        ('Name;Notes\n"Acme, Inc.";"one, two, three"\n"Beta";"x, y"\n', ";"),
        # Semicolons inside values of a comma file either.
        ('Name,Notes\nAcme,"a; b; c"\nBeta,"d; e"\n', ","),
        # A one-row file (header only) still splits.
        ("Account Name;Industry\n", ";"),
    ],
)
def test_sniffs_comma_semicolon_and_tab(sample: str, delimiter: str) -> None:
    assert sniff_delimiter(sample) == delimiter


def test_excel_sep_line_names_the_delimiter_and_is_skipped() -> None:
    source = read_text("sep=;\nName;City\nAcme, Inc.;Chicago\n")
    assert source.delimiter == ";"
    assert source.headers == ("Name", "City")
    assert [row.cells for row in source.rows()] == [["Acme, Inc.", "Chicago"]]


# --- rows ------------------------------------------------------------------------------------


def test_rows_are_numbered_as_a_spreadsheet_shows_them() -> None:
    text = 'Name,Notes\r\nAcme,"two\r\nlines"\r\n\r\nBeta,plain\r\n,\r\nGamma,"say ""hi"""\r\n'
    source = read_text(text)
    rows = list(source.rows())
    assert [(row.number, row.cells) for row in rows] == [
        (2, ["Acme", "two\r\nlines"]),  # one row though two lines
        (4, ["Beta", "plain"]),  # row 3 is blank: skipped but counted
        (6, ["Gamma", 'say "hi"']),  # row 5 has only empty cells
    ]
    assert [row.line for row in rows] == [2, 5, 7]  # physical lines differ


def test_leading_blank_lines_move_the_header_down() -> None:
    source = read_text("\n\nName,City\nAcme,Chicago\n")
    assert source.header_row == 3
    assert [row.number for row in source.rows()] == [4]


def test_trailing_empty_header_columns_are_dropped() -> None:
    source = read_text("Name,City,,\nAcme,Chicago,,\n")
    assert source.headers == ("Name", "City")


def test_an_empty_file_has_no_header() -> None:
    with pytest.raises(CsvReadError, match="no header"):
        read_text("\n\n")


def test_a_missing_file_is_said_in_words(tmp_path: Path) -> None:
    with pytest.raises(CsvReadError, match="no such file"):
        read_csv(tmp_path / "nope.csv")
    with pytest.raises(CsvReadError, match="is a folder"):
        read_csv(tmp_path)


# --- the fixture files, byte for byte --------------------------------------------------------


def test_fixture_utf16_tab() -> None:
    source = read_csv(FIXTURES / "utf16-tab.csv")
    assert (source.encoding, source.delimiter_name) == ("utf-16", "tab")
    assert source.headers == ("Account Name", "Industry", "BillingCity")
    assert [row.cells[0] for row in source.rows()] == ["Åsa Fisk AB", "Ωmega Labs"]


def test_fixture_semicolon_windows_1252() -> None:
    source = read_csv(FIXTURES / "europe-semicolon-cp1252.csv")
    assert (source.encoding, source.delimiter_name) == ("windows-1252", "semicolon")
    first = next(source.rows())
    assert first.cells[:4] == ["Société Générale Démo", "Zoë Müller, DAF", "€1.234.567,89", "70,5%"]


def test_fixture_utf8_bom_hubspot() -> None:
    source = read_csv(FIXTURES / "hubspot-companies-bom.csv")
    assert source.encoding == "utf-8-sig"
    assert source.headers[0] == "Record ID"  # no BOM glued to the first header


def test_fixture_quirks() -> None:
    source = read_csv(FIXTURES / "quirks.csv")
    assert source.headers == ("Account Name", "Strategy", "Notes")
    rows = list(source.rows())
    assert [row.number for row in rows] == [3, 5, 7]
    assert rows[0].cells[:3] == [
        "Quoted Co",
        "Land, then expand",
        'She said "yes"\r\nthen "maybe".',
    ]
    assert rows[2].cells == ["Last Co", "Multi\nline", "x"]


def test_fixture_salesforce_embedded_newline() -> None:
    source = read_csv(FIXTURES / "salesforce-accounts.csv")
    rows = list(source.rows())
    assert len(rows) == 8
    cobalt = next(row for row in rows if row.cells[1] == "Cobalt Mining")
    assert cobalt.cells[-1] == "Board approved the budget.\r\nProcurement wants a 3-year term."
    assert cobalt.number == 4
