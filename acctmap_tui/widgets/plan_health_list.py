"""The plan-health checklist at the top of the Plan tab.

Each line is a finding with how to fix it; Enter on a line jumps to the section
where the fix goes. Colour is never the only signal: findings start with "!".
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from acctmap_tui.domain.plan_health import ELEMENTS, PlanHealth

SECTION_TITLES = {
    "overview": "Overview",
    "problem": "Problem",
    "impact": "Impact",
    "solution": "Solution",
    "people": "People",
    "plan": "Plan",
}


def checklist_lines(health: PlanHealth) -> list[tuple[str, str]]:
    """(element, text) per line: a summary, then one line per finding."""
    lines = [
        (
            "overview",
            f"Plan {health.overall_percent}% complete · "
            + (
                f"{len(health.findings)} finding(s): Enter on one jumps to its section"
                if health.findings
                else "none of the four mistakes"
            ),
        )
    ]
    for finding in health.findings:
        section = SECTION_TITLES.get(finding.element, finding.element)
        lines.append((finding.element, f"! {finding.title}: {finding.fix} (→ {section})"))
    return lines


class PlanHealthList(OptionList):
    """Findings as a list; choosing one asks the Plan tab to show its section."""

    BINDING_GROUP_TITLE = "Plan health"
    BINDINGS = [Binding("enter", "select", "Go to the fix", show=False, id="plan-health.go")]

    @dataclass
    class JumpTo(Message):
        """Show this section of the plan (one of plan_health.ELEMENTS)."""

        element: str

    def show_health(self, health: PlanHealth | None) -> None:
        self.clear_options()
        if health is None:
            self.display = False
            return
        self.add_options(
            Option(text, id=f"{index}:{element}")
            for index, (element, text) in enumerate(checklist_lines(health))
        )
        self.display = True

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        element = (event.option.id or "").split(":", 1)[-1]
        if element in ELEMENTS:
            self.post_message(self.JumpTo(element))
