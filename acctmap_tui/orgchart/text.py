"""Fitting people's text into fixed-width boxes, counting terminal cells, not characters.

Names come from CRMs and imports: they can hold East Asian wide characters, combining
accents, control characters or more text than a box holds. Widths are counted in cells
(a wide character takes two) so every line of the chart keeps its columns aligned.
"""

from __future__ import annotations

import unicodedata


def _width(character: str) -> int:
    if character.isascii():
        return 1 if character.isprintable() else 0
    if unicodedata.combining(character) or unicodedata.category(character) in ("Cf", "Cc"):
        return 0
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def clean(text: str, ascii: bool) -> str:
    """One line of printable text; in ASCII mode accents are dropped and the rest is ``?``."""
    text = " ".join(text.split())
    if text.isascii():
        return text if text.isprintable() else "".join(c for c in text if c.isprintable())
    if ascii:
        folded = unicodedata.normalize("NFKD", text)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
        return folded.encode("ascii", "replace").decode("ascii")
    return unicodedata.normalize("NFC", text)


def fit(text: str, cells: int, ellipsis: str) -> tuple[str, bool]:
    """``text`` filling exactly ``cells`` cells: cut with ``ellipsis`` when too long, else
    padded; and whether it holds a double-width character (then it is shorter in
    characters than in cells)."""
    if text.isascii():
        if len(text) > cells:
            text = text[: cells - len(ellipsis)] + ellipsis
        return text.ljust(cells), False
    out: list[str] = []
    used = 0
    wide = False
    room = cells - len(ellipsis)
    widths = [_width(character) for character in text]
    if sum(widths) <= cells:
        room = cells
    for character, width in zip(text, widths, strict=True):
        if width == 0:
            continue
        if used + width > room:
            out.append(ellipsis)
            used += len(ellipsis)
            break
        out.append(character)
        used += width
        wide = wide or width == 2
    return "".join(out) + " " * (cells - used), wide


def short_name(name: str) -> str:
    """``Cy Dunn`` as ``C. Dunn``: enough to recognise a person named elsewhere on the chart."""
    words = name.split()
    if len(words) < 2:
        return name.strip()
    return f"{words[0][0]}. {' '.join(words[1:])}"
