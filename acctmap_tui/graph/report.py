"""Paths and account analyses as JSON records, plain text and terminal tables.

Used by ``acctmap path`` and ``acctmap gaps``. Rich is imported inside the function
that draws, so ``--format json`` stays light. Nothing relies on colour: every finding
is written out in words, so the tables read the same under ``NO_COLOR``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from acctmap_tui.graph.analysis import AccountAnalysis
from acctmap_tui.graph.gaps import GapKind
from acctmap_tui.graph.paths import GraphPath

if TYPE_CHECKING:
    from rich.console import RenderableType

STRENGTH_DIGITS = 4
"""Strengths in JSON are rounded to this many decimals (enough to order any two paths)."""

GAP_TITLES: dict[GapKind, str] = {
    GapKind.UNCOVERED: "No relationship",
    GapKind.UNMET: "Not met",
    GapKind.BLOCKER_ON_PATH: "Blocker on a path",
    GapKind.SINGLE_THREADED: "Single-threaded",
    GapKind.VACANT_SEAT: "Vacant seat",
    GapKind.LEVEL_GAP: "Level below target",
}


def _strength(value: float) -> float:
    return round(value, STRENGTH_DIGITS)


def path_as_record(path: GraphPath) -> dict[str, Any]:
    """``{"path": [names...], "strength": s, "hops": [{from, to, kind, strength}...]}``."""
    return {
        "path": list(path.names),
        "strength": _strength(path.strength),
        "hops": [
            {
                "from": hop.source_name,
                "to": hop.target_name,
                "kind": hop.kind,
                "strength": _strength(hop.strength),
            }
            for hop in path.hops
        ],
    }


def path_as_text(path: GraphPath) -> str:
    """The path on one line, then one line per hop with its kind and strength."""
    lines = [f"{' -> '.join(path.names)}  (strength {path.strength:.2f})"]
    width = max((len(hop.source_name) + len(hop.target_name) for hop in path.hops), default=0)
    for hop in path.hops:
        pair = f"{hop.source_name} -> {hop.target_name}"
        lines.append(f"  {pair:<{width + 4}}  {hop.kind:<12} {hop.strength:.2f}")
    return "\n".join(lines)


def analysis_as_record(analysis: AccountAnalysis) -> dict[str, Any]:
    """The stable JSON shape of ``acctmap gaps``."""
    coverage = analysis.coverage
    key_ids = set(analysis.key_people)
    return {
        "account": analysis.account_name,
        "coverage": {
            "key_people": coverage.key_people,
            "covered": coverage.covered,
            "reachable": coverage.reachable,
            "engaged_contacts": coverage.engaged,
        },
        "key_contacts": [
            {"name": entry.name, "rank": entry.rank, "score": round(entry.score, 6)}
            for entry in analysis.ranking
            if entry.contact_id in key_ids
        ],
        "influence_path": (
            None if analysis.influence_path is None else path_as_record(analysis.influence_path)
        ),
        "gaps": [
            {
                "kind": str(gap.kind),
                "subject": gap.subject,
                "detail": gap.detail,
                **({"owner": gap.owner} if gap.kind is GapKind.LEVEL_GAP else {}),
            }
            for gap in analysis.gaps
        ],
        "next_best_introductions": [
            {
                "name": item.name,
                "influence": item.influence,
                "score": _strength(item.score),
                **path_as_record(item.path),
            }
            for item in analysis.introductions
        ],
        "key_person_risks": [
            {
                "name": risk.name,
                "cuts_off": list(risk.cut_off_names),
                "cuts_economic_buyer": risk.cuts_economic_buyer,
            }
            for risk in analysis.risks
        ],
        "stale_relationships": [
            {
                "member": item.member,
                "contact": item.contact,
                "last_touch": item.last_touch_at.date().isoformat() if item.last_touch_at else None,
                "age_days": None if item.age_days is None else round(item.age_days),
                "strength": _strength(item.nominal),
                "effective_strength": _strength(item.effective),
            }
            for item in analysis.stale
        ],
        "former_champions": [
            {
                "name": item.name,
                "was": item.other_role.label if item.other_role else None,
                "at": item.other_account_name,
                "left_on": item.left_on.isoformat() if item.left_on else None,
                "matched_by": item.matched_by,
                "path": None if item.path is None else path_as_record(item.path),
            }
            for item in analysis.former_champions
        ],
    }


def analysis_as_tables(analysis: AccountAnalysis) -> RenderableType:
    """Each section of the analysis as a titled, borderless table; empty ones say so."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    def section(title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[Any]:
        heading = Text(title, style="bold")
        if not rows:
            return [heading, Text("  none"), Text("")]
        table = Table(box=None, pad_edge=False, header_style="bold", expand=False)
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*row)
        return [heading, table, Text("")]

    coverage = analysis.coverage
    influence = analysis.influence_path
    parts: list[Any] = [
        Text(f"{analysis.account_name}: stakeholder coverage", style="bold"),
        Text(
            f"{coverage.covered} of {coverage.key_people} key people covered, "
            f"{coverage.reachable} reachable by a warm path, "
            f"{coverage.engaged} contacts engaged"
        ),
        Text(
            "Influence path: "
            + (
                f"{' -> '.join(influence.names)} ({influence.strength:.2f})"
                if influence is not None
                else "none (no champion, no economic buyer, or no chain between them)"
            )
        ),
        Text(""),
    ]
    parts += section(
        "Coverage gaps",
        ("Gap", "Who", "Detail"),
        [(GAP_TITLES[gap.kind], gap.subject, gap.detail) for gap in analysis.gaps],
    )
    parts += section(
        "Next best introductions",
        ("Contact", "Influence", "Score", "Via"),
        [
            (
                item.name,
                str(item.influence or "?"),
                f"{item.score:.2f}",
                " -> ".join(item.path.names[:-1]) or "-",
            )
            for item in analysis.introductions
        ],
    )
    parts += section(
        "Key-person risks",
        ("Contact", "Would cut off", "Economic buyer"),
        [
            (
                risk.name,
                _names(risk.cut_off_names),
                "cut off" if risk.cuts_economic_buyer else "-",
            )
            for risk in analysis.risks
        ],
    )
    parts += section(
        "Stale relationships",
        ("Ours", "Theirs", "Last touch", "Strength now"),
        [
            (
                item.member,
                item.contact,
                item.last_touch_at.date().isoformat() if item.last_touch_at else "never",
                f"{item.effective:.2f} of {item.nominal:.2f}",
            )
            for item in analysis.stale
        ],
    )
    parts += section(
        "Former champions now here",
        ("Contact", "Was", "At", "Warm path"),
        [
            (
                item.name,
                item.other_role.label if item.other_role else "strong supporter",
                item.other_account_name,
                f"{' -> '.join(item.path.names)} ({item.path.strength:.2f})"
                if item.path
                else "nobody on our side knew them there",
            )
            for item in analysis.former_champions
        ],
    )
    return Group(*parts[:-1])


def _names(names: tuple[str, ...], shown: int = 4) -> str:
    """A few names and how many more, so a big cut-off set stays one table cell."""
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"
