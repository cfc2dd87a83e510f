"""Reporting-line rules: no cycle through solid or dotted lines, named in words."""

from __future__ import annotations

import subprocess
import sys

import pytest

from acctmap_tui.domain.org_rules import (
    ProposedLines,
    ReportingCycleError,
    check_reporting_lines,
    describe_cycle,
    dotted_reports_of,
    find_cycle,
    reports_of,
)

ANN, BOB, CAT, DAN = 1, 2, 3, 4
NAMES = {ANN: "Ann Lee", BOB: "Bob Roy", CAT: "Cat Poe", DAN: "Dan Wu"}


def test_a_contact_reporting_to_themselves_is_a_cycle() -> None:
    assert find_cycle(ANN, ANN, {}) == (ANN, ANN)
    with pytest.raises(ReportingCycleError) as raised:
        check_reporting_lines(ProposedLines(ANN, ANN, None), {}, NAMES)
    assert str(raised.value) == (
        "Reports to: Ann Lee → Ann Lee would be a cycle (nobody reports to themselves)"
    )


def test_a_two_cycle_is_named() -> None:
    lines = {BOB: (ANN, None), ANN: (None, None)}
    with pytest.raises(ReportingCycleError) as raised:
        check_reporting_lines(ProposedLines(ANN, BOB, None), lines, NAMES)
    assert str(raised.value) == "Reports to: Ann Lee → Bob Roy → Ann Lee would be a cycle"
    assert raised.value.field == "Reports to"
    assert raised.value.cycle == (ANN, BOB, ANN)


def test_a_longer_cycle_is_named_in_order() -> None:
    lines = {BOB: (ANN, None), CAT: (BOB, None), DAN: (CAT, None)}
    assert find_cycle(ANN, DAN, lines) == (ANN, DAN, CAT, BOB, ANN)
    with pytest.raises(ReportingCycleError) as raised:
        check_reporting_lines(ProposedLines(ANN, DAN, None), lines, NAMES)
    assert "Ann Lee → Dan Wu → Cat Poe → Bob Roy → Ann Lee would be a cycle" in str(raised.value)


def test_a_dotted_line_closing_a_cycle_is_refused_and_named() -> None:
    lines = {BOB: (ANN, None)}
    with pytest.raises(ReportingCycleError) as raised:
        check_reporting_lines(ProposedLines(ANN, None, BOB), lines, NAMES)
    assert str(raised.value) == "Dotted-line manager: Ann Lee → Bob Roy → Ann Lee would be a cycle"


def test_a_cycle_through_an_existing_dotted_line_is_refused() -> None:
    lines = {BOB: (None, ANN)}  # Bob has a dotted line to Ann
    assert find_cycle(ANN, BOB, lines) == (ANN, BOB, ANN)


def test_both_proposed_lines_are_checked_together() -> None:
    # Ann would report to Cat and dotted-line to Bob, while Bob reports to Ann.
    lines = {BOB: (ANN, None), CAT: (None, None)}
    with pytest.raises(ReportingCycleError) as raised:
        check_reporting_lines(ProposedLines(ANN, CAT, BOB), lines, NAMES)
    assert raised.value.field == "Dotted-line manager"


def test_trees_and_shared_managers_are_fine() -> None:
    lines = {BOB: (ANN, None), CAT: (ANN, BOB), DAN: (BOB, ANN)}
    check_reporting_lines(ProposedLines(DAN, CAT, ANN), lines, NAMES)
    assert find_cycle(DAN, CAT, lines) is None
    assert reports_of(ANN, lines) == [BOB, CAT]
    assert dotted_reports_of(ANN, lines) == [DAN]


def test_an_unknown_id_is_described_by_number() -> None:
    assert describe_cycle("Reports to", (ANN, 99, ANN), NAMES) == (
        "Reports to: Ann Lee → contact 99 → Ann Lee would be a cycle"
    )


@pytest.mark.parametrize(
    "module",
    [
        "acctmap_tui.domain.org_rules",
        "acctmap_tui.domain.contact_form",
        "acctmap_tui.data.people_store",
    ],
)
def test_people_rules_and_store_do_not_import_textual(module: str) -> None:
    probe = f"import {module}, sys; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
