"""What the People tab's side panel says about one contact and their account.

Plain lines of text from the analyses (no Textual), so the panel, its tests and any
other front end read the same words. Every fact is spelled out: nothing relies on
colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment
from acctmap_tui.graph.analysis import AccountAnalysis
from acctmap_tui.graph.paths import GraphPath
from acctmap_tui.graph.what_if import Change, RemoveContact, RescorePerson, WhatIfResult

INTRODUCTIONS_SHOWN = 3


@dataclass(frozen=True, slots=True)
class ContactInsight:
    """The analyses about one focused contact."""

    contact_id: int
    name: str
    title: str | None
    warm_path: GraphPath | None
    """The warmest introduction to them from our team, if any."""


def percent(strength: float) -> str:
    """A path strength (0..1) as a whole percentage."""
    return f"{round(strength * 100)}%"


def path_line(path: GraphPath) -> str:
    """``Susan Park → Bob Roy → Ann Lee (48%)``."""
    return f"{' → '.join(path.names)} ({percent(path.strength)})"


def contact_lines(insight: ContactInsight, analysis: AccountAnalysis) -> list[str]:
    """The focused contact: influence, warmest way in, risk and gaps about them."""
    lines = [insight.name + (f" — {insight.title}" if insight.title else "")]
    ranked = next((r for r in analysis.ranking if r.contact_id == insight.contact_id), None)
    if ranked is not None:
        lines.append(f"Influence: #{ranked.rank} of {len(analysis.ranking)}")
    if insight.warm_path is None:
        lines.append("Warm intro: no path from our team")
    elif len(insight.warm_path.nodes) == 2:
        lines.append(f"Warm intro: direct, {path_line(insight.warm_path)}")
    else:
        lines.append(f"Warm intro: {path_line(insight.warm_path)}")
    for risk in analysis.risks:
        if risk.contact_id == insight.contact_id:
            buyer = " incl. the economic buyer" if risk.cuts_economic_buyer else ""
            count = len(risk.cut_off)
            people = "person" if count == 1 else "people"
            lines.append(f"Key-person risk: only way to {count} {people}{buyer}")
    lines.extend(
        f"Gap: {gap.detail}" for gap in analysis.gaps if gap.contact_id == insight.contact_id
    )
    return lines


def account_lines(analysis: AccountAnalysis) -> list[str]:
    """The account as a whole: coverage, influence path, next introductions, risks."""
    coverage = analysis.coverage
    lines = [
        f"Key people covered: {coverage.covered} of {coverage.key_people}"
        f" ({coverage.reachable} reachable)",
    ]
    if analysis.influence_path is None:
        lines.append("Influence path: none from a champion to the economic buyer")
    else:
        lines.append(f"Influence path: {path_line(analysis.influence_path)}")
    if analysis.introductions:
        lines.append("Next best introductions:")
        lines.extend(
            f" {number}. {intro.name} via {' → '.join(intro.path.names[:-1])}"
            f" ({percent(intro.path.strength)})"
            for number, intro in enumerate(analysis.introductions[:INTRODUCTIONS_SHOWN], 1)
        )
    if analysis.risks:
        names = ", ".join(risk.name for risk in analysis.risks[:3])
        lines.append(f"Key-person risks: {names}")
    if analysis.stale:
        lines.append(f"Stale relationships: {len(analysis.stale)}")
    lines.extend(
        f"Former champion: {former.name} (was at {former.other_account_name})"
        for former in analysis.former_champions
    )
    return lines


WHAT_IF_QUESTIONS = {
    "leave": "What if {name} left?",
    "blocker": "What if {name} turned blocker?",
    "champion": "What if {name} became our champion?",
    "influence-5": "What if {name} had influence 5?",
    "influence-1": "What if {name} had influence 1?",
}
"""The what-ifs the People tab offers for a person, by key."""


def what_if_change(choice: str, contact_id: int) -> Change:
    """The in-memory change behind one of :data:`WHAT_IF_QUESTIONS`."""
    if choice == "leave":
        return RemoveContact(contact_id)
    if choice == "blocker":
        return RescorePerson(contact_id, sentiment=Sentiment.BLOCKER)
    if choice == "champion":
        return RescorePerson(
            contact_id, buying_role=BuyingRole.CHAMPION, sentiment=Sentiment.STRONG_SUPPORTER
        )
    if choice.startswith("influence-"):
        return RescorePerson(contact_id, influence=int(choice.removeprefix("influence-")))
    raise ValueError(f"unknown what-if {choice!r}")


def what_if_lines(name: str, result: WhatIfResult, choice: str = "leave") -> list[str]:
    """The effect of a what-if on a person, before anything is saved."""
    before, after = result.before.coverage, result.after.coverage
    lines = [
        WHAT_IF_QUESTIONS[choice].format(name=name) + " (nothing is saved)",
        f"Key people covered: {before.covered} → {after.covered} of {after.key_people}",
        f"Reachable: {before.reachable} → {after.reachable}",
    ]
    for change in result.path_changes:
        if change.after is None:
            lines.append(f"Lost: our way to {change.name}")
        else:
            lines.append(f"Changed: {change.name} now {path_line(change.after)}")
    if result.influence_path_changed:
        after_path = result.after.influence_path
        lines.append("Influence path: " + (path_line(after_path) if after_path else "none left"))
    lines.extend(f"New gap: {gap.subject}: {gap.detail}" for gap in result.gaps_added)
    if len(lines) == 3:
        lines.append("No path or gap changes.")
    return lines
