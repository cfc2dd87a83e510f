"""The text marks and border glyphs of the org chart, so meaning never rests on colour.

Every mark is plain text that reads the same with ``NO_COLOR``; the widget may colour
it as well. The legend explains the marks for the UI and the CLI.
"""

from __future__ import annotations

import codecs
from dataclasses import astuple, dataclass

from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment

ROLE_BADGES: dict[BuyingRole, str] = {
    BuyingRole.ECONOMIC_BUYER: "[EB]",
    BuyingRole.CHAMPION: "[CH]",
    BuyingRole.INFLUENCER: "[IN]",
    BuyingRole.TECHNICAL_BUYER: "[TB]",
    BuyingRole.USER: "[US]",
    BuyingRole.COACH: "[CO]",
    BuyingRole.GATEKEEPER: "[GK]",
    BuyingRole.BLOCKER: "[BL]",
}

SENTIMENT_MARKS: dict[Sentiment, str] = {
    Sentiment.STRONG_SUPPORTER: "++",
    Sentiment.SUPPORTER: "+",
    Sentiment.NEUTRAL: "=",
    Sentiment.DETRACTOR: "-",
    Sentiment.BLOCKER: "--",
}

NOT_MET = "not met"
VACANT = "vacant"


@dataclass(frozen=True, slots=True)
class BorderGlyphs:
    """One box style; the tees are where connector lines meet the border."""

    top_left: str
    top_right: str
    bottom_left: str
    bottom_right: str
    horizontal: str
    vertical: str
    tee_down: str
    """On the bottom border, where the line to the reports leaves."""
    tee_up: str
    """On the top border, where the line from the manager arrives."""
    tee_left: str
    """On the left border of a stacked report, where the stack's spine joins."""


@dataclass(frozen=True, slots=True)
class GlyphSet:
    """Everything drawn that is not the people's own text."""

    solid: BorderGlyphs
    vacant: BorderGlyphs
    highlighted: BorderGlyphs
    connectors: dict[int, str]
    """Connector character by direction mask (see ``UP``, ``DOWN``, ``LEFT``, ``RIGHT``)."""
    dotted_prefix: str
    ellipsis: str


UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8

_UNICODE_CONNECTORS = {
    UP: "│",
    DOWN: "│",
    UP | DOWN: "│",
    LEFT: "─",
    RIGHT: "─",
    LEFT | RIGHT: "─",
    DOWN | RIGHT: "┌",
    DOWN | LEFT: "┐",
    UP | RIGHT: "└",
    UP | LEFT: "┘",
    UP | DOWN | RIGHT: "├",
    UP | DOWN | LEFT: "┤",
    DOWN | LEFT | RIGHT: "┬",
    UP | LEFT | RIGHT: "┴",
    UP | DOWN | LEFT | RIGHT: "┼",
}


def _ascii_connector(mask: int) -> str:
    vertical, horizontal = mask & (UP | DOWN), mask & (LEFT | RIGHT)
    if vertical and horizontal:
        return "+"
    return "|" if vertical else "-"


UNICODE = GlyphSet(
    solid=BorderGlyphs("┌", "┐", "└", "┘", "─", "│", "┬", "┴", "┤"),
    vacant=BorderGlyphs("┌", "┐", "└", "┘", "╌", "╎", "┬", "┴", "┤"),
    highlighted=BorderGlyphs("╔", "╗", "╚", "╝", "═", "║", "╤", "╧", "╢"),
    connectors=_UNICODE_CONNECTORS,
    dotted_prefix="┄ ",
    ellipsis="…",
)

ASCII = GlyphSet(
    solid=BorderGlyphs("+", "+", "+", "+", "-", "|", "+", "+", "+"),
    vacant=BorderGlyphs("+", "+", "+", "+", ".", ":", "+", "+", "+"),
    highlighted=BorderGlyphs("#", "#", "#", "#", "=", "#", "+", "+", "+"),
    connectors={mask: _ascii_connector(mask) for mask in range(1, 16)},
    dotted_prefix=".. ",
    ellipsis="...",
)


def _every_glyph(drawn: GlyphSet) -> str:
    borders = (drawn.solid, drawn.vacant, drawn.highlighted)
    text = "".join("".join(astuple(border)) for border in borders)
    text += "".join(drawn.connectors.values()) + drawn.dotted_prefix + drawn.ellipsis
    return "".join(sorted(set(text)))


_UNICODE_SAMPLE = _every_glyph(UNICODE)


def glyphs(ascii: bool) -> GlyphSet:
    """The glyph set for ASCII or Unicode output."""
    return ASCII if ascii else UNICODE


def needs_ascii(encoding: str | None) -> bool:
    """Whether output in ``encoding`` must fall back to ASCII drawing.

    True when the encoding is unknown, or cannot encode every glyph the Unicode chart
    uses (so UTF-8 and GB18030 draw boxes; ASCII, Latin-1 and cp437 get ``+-|``).
    """
    if not encoding:
        return True
    try:
        codecs.lookup(encoding)
        _UNICODE_SAMPLE.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return True
    return False


def legend_lines(ascii: bool = False) -> list[str]:
    """What the marks mean, one topic a line, for a legend under the chart or in help."""
    drawn = glyphs(ascii)
    badges = [f"{badge} {role.label.lower()}" for role, badge in ROLE_BADGES.items()]
    feelings = "  ".join(
        f"{mark} {sentiment.label.lower()}" for sentiment, mark in SENTIMENT_MARKS.items()
    )
    solid, vacant, path = drawn.solid, drawn.vacant, drawn.highlighted
    return [
        f"Roles: {'  '.join(badges[:4])}",
        f"       {'  '.join(badges[4:])}",
        f"Sentiment: {feelings}",
        f"{NOT_MET}: nobody on our side has met them yet",
        f"{drawn.dotted_prefix}Name: dotted-line manager",
        f"{solid.top_left}{solid.horizontal * 2}{solid.top_right} person   "
        f"{vacant.top_left}{vacant.horizontal * 2}{vacant.top_right} {VACANT} (no person yet)   "
        f"{path.top_left}{path.horizontal * 2}{path.top_right} on the highlighted path",
    ]


def legend(ascii: bool = False) -> str:
    """The legend as one block of text."""
    return "\n".join(legend_lines(ascii))
