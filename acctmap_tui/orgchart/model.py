"""The org chart's data: the people drawn, the drawing options, and where boxes and marks land."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment


@dataclass(frozen=True, slots=True)
class OrgPerson:
    """A contact, or a vacant seat, as the chart needs it.

    Keys are strings so a caller can mix contacts ("c12") and seats ("s3") in one chart.
    A ``manager`` that is not among the people drawn, or that closes a reports-to
    cycle, is ignored: the person is drawn as a root instead (see ``layout_org``).
    """

    key: str
    name: str
    title: str | None = None
    role: BuyingRole | None = None
    sentiment: Sentiment | None = None
    met: bool = True
    """False draws the not-met mark: a gap in our coverage."""
    manager: str | None = None
    """Key of the solid-line manager."""
    dotted_manager: str | None = None
    """Key of a dotted-line manager, named inside the box rather than drawn as a line."""
    vacant: bool = False
    """A seat known to exist with nobody in it yet (e.g. "CFO, unknown")."""


@dataclass(frozen=True, slots=True)
class OrgChartOptions:
    """How to draw the chart; frozen so a layout can be cached by its options."""

    box_width: int = 20
    """Columns per box, borders included; 20 fits five columns in 120."""
    gap: int = 2
    """Blank columns between neighbouring subtrees."""
    ascii: bool = False
    """Draw with ``+-|`` and plain-ASCII text for terminals that are not UTF-8."""
    stack_leaves_from: int = 2
    """Stack a manager's reports who have no reports of their own vertically once there
    are this many of them (0 never stacks): one column instead of a row of boxes."""
    highlight: frozenset[str] = field(default_factory=frozenset)
    """Keys on a chosen path (e.g. a warm introduction): drawn with a double border."""

    def __post_init__(self) -> None:
        if self.box_width < 12:
            raise ValueError("box_width must be at least 12 columns")
        if self.gap < 1:
            raise ValueError("gap must be at least 1 column")
        if self.stack_leaves_from < 0:
            raise ValueError("stack_leaves_from must not be negative")


@dataclass(frozen=True, slots=True)
class OrgBox:
    """Where one person's box is drawn, in cells from the chart's top-left corner."""

    key: str
    x: int
    y: int
    width: int
    height: int
    depth: int
    """Levels below a root (roots are 0): the "same level" of left/right jumps."""
    stacked: bool
    """Drawn in a vertical stack of reports rather than beside its siblings."""


class OrgMark(NamedTuple):
    """A mark drawn in a box (role, sentiment, not met, vacant, dotted), for colouring.

    ``kind`` is ``role:<BuyingRole value>``, ``sentiment:<Sentiment value>``,
    ``not-met``, ``vacant`` or ``dotted``. A named tuple: a big chart has thousands.
    """

    x: int
    y: int
    length: int
    kind: str
