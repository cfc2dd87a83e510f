"""Plan health as JSON, as a terminal table and as a one-account report (``acctmap health``).

Every check reads as a word ("ok" or "!"), never as a colour alone, so the table
means the same under ``NO_COLOR`` and on a plain terminal. Rich is imported inside
the function that draws, so ``--format json`` stays light.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from acctmap_tui.domain.plan_health import CHECKS, ELEMENT_LABELS, MISTAKE_TITLES, PlanHealth

if TYPE_CHECKING:
    from rich.console import RenderableType

NO_ACCOUNTS_TEXT = "No accounts yet — run `acctmap demo`"

CHECK_OK = "ok"
CHECK_FAILED = "!"

CHECK_HEADERS: dict[str, str] = {
    "inadequate_research": "Research",
    "overlooked_stakeholders": "People",
    "inconsistent_updates": "Updates",
    "incomplete_competitor_analysis": "Competition",
}
"""Short column headers of the four checks (the full titles are in MISTAKE_TITLES)."""


def health_as_record(health: PlanHealth) -> dict[str, Any]:
    """The stable JSON shape of one account's plan health."""
    return {
        "name": health.name,
        "account_id": health.account_id,
        "overall_percent": health.overall_percent,
        "completeness": [
            {
                "element": item.element,
                "label": item.label,
                "percent": item.percent,
                "missing": list(item.missing),
            }
            for item in health.completeness
        ],
        "findings": [
            {
                "check": finding.check,
                "title": finding.title,
                "detail": finding.detail,
                "fix": finding.fix,
                "element": finding.element,
            }
            for finding in health.findings
        ],
    }


def health_as_json(healths: Sequence[PlanHealth]) -> str:
    """A JSON list with one object per account (an empty list for no accounts)."""
    return json.dumps(
        [health_as_record(health) for health in healths], indent=2, ensure_ascii=False
    )


def check_word(health: PlanHealth, check: str) -> str:
    """``ok`` when the check found nothing, ``!`` when it did."""
    return CHECK_OK if health.check_ok(check) else CHECK_FAILED


def health_as_table(healths: Sequence[PlanHealth], *, width: int | None = None) -> RenderableType:
    """One row per account: name, overall %, the four checks as words, number of findings.

    ``width`` caps the name column so the row fits in that many cells (a long name
    ends in an ellipsis); ``None`` never cuts it.
    """
    from rich.table import Table
    from rich.text import Text

    if not healths:
        return Text(NO_ACCOUNTS_TEXT)
    headers = ("Health", *(CHECK_HEADERS[check] for check in CHECKS), "Findings")
    name_width = None
    if width is not None:
        fixed = sum(len(header) + 2 for header in headers)
        name_width = max(width - fixed, 12)
    table = Table(box=None, pad_edge=False, header_style="bold", expand=False)
    table.add_column("Account", no_wrap=True, overflow="ellipsis", max_width=name_width)
    table.add_column("Health", justify="right", no_wrap=True)
    for check in CHECKS:
        table.add_column(CHECK_HEADERS[check], no_wrap=True)
    table.add_column("Findings", justify="right", no_wrap=True)
    for health in healths:
        marks = [
            Text(CHECK_OK) if health.check_ok(check) else Text(CHECK_FAILED, style="bold red")
            for check in CHECKS
        ]
        table.add_row(
            health.name,
            f"{health.overall_percent} %",
            *marks,
            str(len(health.findings)),
        )
    return table


def health_detail_text(health: PlanHealth, *, width: int = 80) -> str:
    """A readable plain-text report of one account: the four checks, then completeness.

    Lines are wrapped to ``width`` characters.
    """
    lines = [f"{health.name} — plan {health.overall_percent} % complete", "", "Checks"]
    indent = " " * 7
    for check in CHECKS:
        findings = [finding for finding in health.findings if finding.check == check]
        word = CHECK_OK if not findings else CHECK_FAILED
        lines.append(f"  [{word:<2}] {MISTAKE_TITLES[check]}")
        for finding in findings:
            where = ELEMENT_LABELS[finding.element]
            for paragraph in (
                f"{finding.title}: {finding.detail}",
                f"Fix ({where}): {finding.fix}",
            ):
                lines += textwrap.wrap(
                    paragraph, width, initial_indent=indent, subsequent_indent=indent + "  "
                )
    lines += ["", "Completeness"]
    label_width = max((len(item.label) for item in health.completeness), default=0)
    for item in health.completeness:
        line = f"  {item.label:<{label_width}}  {item.percent:>3} %"
        if not item.missing:
            lines.append(line)
            continue
        lines += textwrap.wrap(
            f"{line}  missing: " + ", ".join(item.missing),
            width,
            subsequent_indent=" " * (len(line) + 2),
        )
    return "\n".join(lines)
