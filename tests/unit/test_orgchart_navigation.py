"""Arrow-key moves on the org chart: along the tree, across subtrees, and at the edges.

The charts used here are drawn in ``golden/orgchart/`` (``acme_unicode``,
``several_roots``, ``mixed_leaves_and_branches``), which helps to read the expectations.
"""

from __future__ import annotations

import pytest

from acctmap_tui.orgchart import Direction, OrgChartLayout, OrgPerson, layout_org, move
from acctmap_tui.orgchart.sample import sample_org
from tests.unit.test_orgchart_layout import acme, person


@pytest.fixture
def acme_chart() -> OrgChartLayout:
    return layout_org(acme())


@pytest.fixture
def roots_chart() -> OrgChartLayout:
    return layout_org(
        [
            person("a", "Alpha Root"),
            person("a1", "Alpha One", "a"),
            person("b", "Beta Root"),
            person("c", "Gamma Root"),
            person("c1", "Gamma One", "c"),
            person("c2", "Gamma Two", "c1"),
        ]
    )


@pytest.fixture
def mixed_chart() -> OrgChartLayout:
    return layout_org(
        [
            person("m", "Mia Head"),
            person("l1", "Leaf One", "m"),
            person("l2", "Leaf Two", "m"),
            person("b1", "Branch One", "m"),
            person("b1a", "Under One", "b1"),
            person("b2", "Branch Two", "m"),
            person("b2a", "Under Two", "b2"),
        ]
    )


@pytest.mark.parametrize(
    ("start", "direction", "expected"),
    [
        # up: the manager; a root stays put
        ("c5", "up", "c2"),
        ("c7", "up", "c6"),
        ("c8", "up", "s1"),  # a vacant seat can be a manager
        ("c1", "up", "c1"),
        # down: the first report as drawn
        ("c1", "down", "c2"),
        ("c2", "down", "c4"),  # the first of a stack
        ("s1", "down", "c8"),
        ("c4", "down", "c5"),  # down a stack
        ("c5", "down", "c5"),  # the bottom of a stack
        ("c7", "down", "c7"),  # a leaf
        # left/right: siblings
        ("c2", "right", "c3"),
        ("c3", "right", "s1"),
        ("s1", "left", "c3"),
        ("c4", "right", "c5"),  # stacked siblings read top to bottom
        ("c5", "left", "c4"),
        # past the last sibling: the nearest box on the same level
        ("c5", "right", "c6"),  # from one manager's stack to the next subtree
        ("c6", "right", "c8"),
        ("c8", "left", "c6"),
        ("c6", "left", "c4"),  # into a stack: the box on the same row
        # edges: nothing further on that level
        ("s1", "right", "s1"),
        ("c2", "left", "c2"),
        ("c8", "right", "c8"),
        ("c4", "left", "c4"),
        ("c1", "left", "c1"),
        ("c1", "right", "c1"),
    ],
)
def test_acme_moves(
    acme_chart: OrgChartLayout, start: str, direction: Direction, expected: str
) -> None:
    assert move(acme_chart, start, direction) == expected


@pytest.mark.parametrize(
    ("start", "direction", "expected"),
    [
        ("a", "right", "b"),  # roots are each other's siblings
        ("b", "right", "c"),
        ("c", "left", "b"),
        ("a", "left", "a"),
        ("c", "right", "c"),
        ("b", "down", "b"),
        ("a1", "right", "c1"),  # across a root with no reports
        ("c1", "left", "a1"),
        ("c2", "left", "c2"),  # nothing else that deep
        ("c2", "up", "c1"),
        ("a1", "up", "a"),
    ],
)
def test_moves_between_roots(
    roots_chart: OrgChartLayout, start: str, direction: Direction, expected: str
) -> None:
    assert move(roots_chart, start, direction) == expected


@pytest.mark.parametrize(
    ("start", "direction", "expected"),
    [
        ("m", "down", "l1"),  # the stack is drawn first
        ("l2", "right", "b1"),  # off the end of the stack to the next sibling
        ("b1", "left", "l1"),  # into the stack, level with the box
        ("b1", "right", "b2"),
        ("b1a", "right", "b2a"),  # cousins
        ("b2a", "left", "b1a"),
        ("b1a", "left", "b1a"),  # the stack is a level higher
        ("l2", "up", "m"),
    ],
)
def test_moves_around_a_stack(
    mixed_chart: OrgChartLayout, start: str, direction: Direction, expected: str
) -> None:
    assert move(mixed_chart, start, direction) == expected


def test_an_unknown_key_recovers_to_the_first_root(acme_chart: OrgChartLayout) -> None:
    assert move(acme_chart, "deleted", "down") == "c1"


def test_an_empty_chart_keeps_the_key() -> None:
    assert move(layout_org([]), "x", "left") == "x"


def test_a_cycle_in_the_data_does_not_trap_the_cursor() -> None:
    layout = layout_org([OrgPerson("a", "A", manager="b"), OrgPerson("b", "B", manager="a")])
    assert move(layout, move(layout, "b", "up"), "up") == "a"
    assert move(layout, "a", "down") == "b"


def test_every_box_is_reachable_from_the_first_root() -> None:
    """Walking the whole chart with the four arrows visits every box."""
    layout = layout_org(sample_org(300, roots=3))
    seen = {layout.roots[0]}
    frontier = [layout.roots[0]]
    while frontier:
        key = frontier.pop()
        for direction in ("up", "down", "left", "right"):
            target = move(layout, key, direction)
            assert target in layout.boxes
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    assert seen == set(layout.boxes)
