"""The org chart layout, pinned by exact text.

The expected charts are files in ``tests/unit/golden/orgchart/``, one per case, so a
change to the drawing shows as a readable diff. After an intended change, regenerate
them and review the diff before committing:

    ORGCHART_GOLDEN_UPDATE=1 .venv/bin/pytest tests/unit/test_orgchart_layout.py
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment
from acctmap_tui.orgchart import (
    NOT_MET,
    ROLE_BADGES,
    SENTIMENT_MARKS,
    OrgChartOptions,
    OrgPerson,
    layout_org,
    legend,
    legend_lines,
    needs_ascii,
    render_org_chart,
)
from acctmap_tui.orgchart.sample import sample_org

GOLDEN = Path(__file__).with_name("golden") / "orgchart"
UPDATE = os.environ.get("ORGCHART_GOLDEN_UPDATE") == "1"


def person(key: str, name: str, manager: str | None = None, **fields: object) -> OrgPerson:
    return OrgPerson(key=key, name=name, manager=manager, **fields)  # type: ignore[arg-type]


def acme() -> list[OrgPerson]:
    """A small account: a CEO, three VPs (one a vacant seat) and their people."""
    return [
        person("c1", "Ada Lovelace", title="CEO", role=BuyingRole.ECONOMIC_BUYER,
               sentiment=Sentiment.SUPPORTER),
        person("c2", "Bob Builder", "c1", title="VP Engineering",
               role=BuyingRole.TECHNICAL_BUYER, sentiment=Sentiment.NEUTRAL, met=False),
        person("c3", "Cara Diaz", "c1", title="VP Sales", sentiment=Sentiment.STRONG_SUPPORTER),
        person("c4", "Dan Eng", "c2", title="Engineer", role=BuyingRole.USER, met=False),
        person("c5", "Eve Ops", "c2", title="Engineer", role=BuyingRole.USER,
               sentiment=Sentiment.DETRACTOR),
        person("c6", "Fay Gold", "c3", title="Director", role=BuyingRole.CHAMPION,
               sentiment=Sentiment.SUPPORTER),
        person("c7", "Gus Hill", "c6", title="AE"),
        person("s1", "CFO", "c1", title="Chief Financial Officer",
               role=BuyingRole.ECONOMIC_BUYER, vacant=True),
        person("c8", "Hal Ivy", "s1", title="Controller", role=BuyingRole.GATEKEEPER,
               sentiment=Sentiment.BLOCKER),
    ]  # fmt: skip


def _chain(depth: int) -> list[OrgPerson]:
    return [
        person(f"c{level}", f"Level {level}", f"c{level - 1}" if level else None)
        for level in range(depth)
    ]


CASES: dict[str, Callable[[], str]] = {
    "single_person": lambda: render_org_chart(
        [person("c1", "Ada Lovelace", title="CEO", role=BuyingRole.CHAMPION, met=False)]
    ),
    "deep_chain": lambda: render_org_chart(_chain(5)),
    "wide_span_40": lambda: render_org_chart(
        [person("m", "Manager", title="VP Support")]
        + [person(f"r{i:02}", f"Report {i:02}", "m", title="Agent") for i in range(40)]
    ),
    "several_roots": lambda: render_org_chart(
        [
            person("a", "Alpha Root", title="CEO"),
            person("a1", "Alpha One", "a"),
            person("b", "Beta Root", title="Chair"),
            person("c", "Gamma Root", title="Founder"),
            person("c1", "Gamma One", "c"),
            person("c2", "Gamma Two", "c1"),
        ]
    ),
    "dotted_lines": lambda: render_org_chart(
        [
            person("a", "Ann Boss", title="COO"),
            person("b", "Ben Peer", "a", title="VP Ops"),
            person("c", "Cy Dotted", "a", title="Analyst", dotted_manager="b"),
            person("d", "Di Solid", "b", title="Lead", dotted_manager="x-missing"),
        ]
    ),
    "acme_unicode": lambda: render_org_chart(acme()),
    "acme_ascii": lambda: render_org_chart(acme(), OrgChartOptions(ascii=True)),
    "long_names_truncated": lambda: render_org_chart(
        [
            person("a", "Maximiliana Bartholomew-Fitzgerald", title="Senior Vice President"),
            person("b", "山田 太郎 山田 太郎 山田", "a", title="Directeur général adjoint"),
            person("c", "Zoë Ångström-Łukasiewicz", "a", title="Head of Procurement"),
        ]
    ),
    "long_names_ascii": lambda: render_org_chart(
        [
            person("a", "Maximiliana Bartholomew-Fitzgerald", title="Senior Vice President"),
            person("c", "Zoë Ångström", "a", title="Directeur général — achats"),
        ],
        OrgChartOptions(ascii=True),
    ),
    "vacant_seat_with_reports": lambda: render_org_chart(
        [
            person("s1", "CTO", title="unknown", role=BuyingRole.ECONOMIC_BUYER, vacant=True),
            person("c1", "Pat Lee", "s1", title="Architect", met=False),
            person("c2", "Sam Roe", "s1", title="SRE lead", sentiment=Sentiment.SUPPORTER),
        ]
    ),
    "highlighted_path": lambda: render_org_chart(
        acme(), OrgChartOptions(highlight=frozenset({"c1", "c3", "c6", "c7"}))
    ),
    "highlighted_path_ascii": lambda: render_org_chart(
        acme(), OrgChartOptions(ascii=True, highlight=frozenset({"c1", "c2", "c5"}))
    ),
    "missing_manager_and_cycle": lambda: render_org_chart(
        [
            person("a", "Orphan", "nobody", title="Reports to a ghost"),
            person("b", "Cycle B", "c"),
            person("c", "Cycle C", "d"),
            person("d", "Cycle D", "b"),
            person("e", "Self Loop", "e"),
        ]
    ),
    "mixed_leaves_and_branches": lambda: render_org_chart(
        [
            person("m", "Mia Head", title="VP"),
            person("l1", "Leaf One", "m"),
            person("l2", "Leaf Two", "m"),
            person("b1", "Branch One", "m"),
            person("b1a", "Under One", "b1"),
            person("b2", "Branch Two", "m"),
            person("b2a", "Under Two", "b2"),
            person("b2b", "Under Three", "b2"),
            person("b2b1", "Deep", "b2b"),
        ]
    ),
    "stacking_off": lambda: render_org_chart(
        [person("m", "Manager")] + [person(f"r{i}", f"Report {i}", "m") for i in range(3)],
        OrgChartOptions(stack_leaves_from=0),
    ),
    "narrow_boxes": lambda: render_org_chart(acme()[:4], OrgChartOptions(box_width=14, gap=1)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_chart(case: str) -> None:
    text = CASES[case]() + "\n"
    expected_file = GOLDEN / f"{case}.txt"
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(text, encoding="utf-8")
    assert expected_file.exists(), f"no golden file; run with ORGCHART_GOLDEN_UPDATE=1 ({case})"
    assert text == expected_file.read_text(encoding="utf-8")


def test_every_golden_file_has_a_case() -> None:
    assert {path.stem for path in GOLDEN.glob("*.txt")} == set(CASES)


def test_input_order_does_not_change_the_drawing() -> None:
    people = sample_org(120, roots=3)
    shuffled = people[:]
    random.Random(3).shuffle(shuffled)
    assert layout_org(shuffled).lines == layout_org(people).lines


def test_boxes_sit_where_the_text_draws_them() -> None:
    layout = layout_org(acme())
    for box in layout.boxes.values():
        top = layout.lines[box.y]
        bottom = layout.lines[box.y + box.height - 1]
        assert top[box.x] == "┌" and top[box.x + box.width - 1] == "┐"
        assert bottom[box.x] == "└" and bottom[box.x + box.width - 1] == "┘"
    name_row = layout.lines[layout.boxes["c6"].y + 1]
    assert "Fay Gold" in name_row[layout.boxes["c6"].x :]


def test_the_tree_is_returned_for_navigation() -> None:
    layout = layout_org(acme())
    assert layout.roots == ("c1",)
    assert layout.manager["c8"] == "s1"
    assert layout.reports["c1"] == ("c2", "c3", "s1")
    assert layout.reports["c2"] == ("c4", "c5")  # two leaves: stacked
    assert layout.boxes["c4"].stacked and not layout.boxes["c6"].stacked
    assert layout.boxes["c4"].depth == 2
    assert layout.siblings("c3") == ("c2", "c3", "s1")


def test_marks_point_at_their_text() -> None:
    layout = layout_org(acme())
    found = {
        (mark.kind, layout.lines[mark.y][mark.x : mark.x + mark.length]) for mark in layout.marks
    }
    assert ("role:economic_buyer", "[EB]") in found
    assert ("sentiment:strong_supporter", "++") in found
    assert ("not-met", NOT_MET) in found
    assert ("vacant", "vacant") in found


def test_a_thirty_person_org_is_readable_at_120_columns() -> None:
    layout = layout_org(sample_org(30, roots=1))
    assert layout.width <= 120
    assert len(layout.boxes) == 30


def test_a_span_of_forty_is_one_column() -> None:
    people = [person("m", "Manager")] + [person(f"r{i}", f"R{i}", "m") for i in range(40)]
    layout = layout_org(people)
    assert layout.width == layout.options.box_width + 2
    assert len({box.x for key, box in layout.boxes.items() if key != "m"}) == 1


def test_ascii_mode_is_pure_ascii() -> None:
    people = acme() + [person("z", "Zoë 山田 — Ωmega", "c1", title="Café ☕")]
    text = render_org_chart(people, OrgChartOptions(ascii=True, highlight=frozenset({"c1"})))
    assert text.isascii()


def test_wide_characters_keep_columns_aligned() -> None:
    layout = layout_org([person("a", "山田 太郎 山田 太郎 山田 太郎"), person("b", "Bo", "a")])
    box = layout.boxes["a"]
    name_row = layout.lines[box.y + 1]
    cells = sum(2 if "\u3000" <= c <= "\u9fff" else 1 for c in name_row)
    assert cells == box.x + box.width
    assert layout.wide_rows == {box.y + 1}


def test_bad_data_draws_without_failing() -> None:
    people = [
        person("a", "A", "b"),
        person("b", "B", "a"),
        person("a", "Duplicate A"),  # the first of a key wins
        person("c", "C", "ghost", dotted_manager="c"),  # a dotted line to oneself
    ]
    layout = layout_org(people)
    assert set(layout.roots) == {"a", "c"}
    assert layout.boxes["c"].height == 5  # no dotted-line row drawn
    assert layout.manager["b"] == "a"
    assert "Duplicate" not in layout.text()


def test_an_empty_org_is_empty() -> None:
    layout = layout_org([])
    assert layout.lines == [] and layout.boxes == {} and layout.roots == ()


def test_a_very_deep_chain_does_not_recurse() -> None:
    layout = layout_org(_chain(3000))
    assert layout.boxes["c2999"].depth == 2999


@pytest.mark.parametrize(
    ("encoding", "ascii"),
    [
        ("utf-8", False),
        ("UTF8", False),
        ("utf_8", False),
        ("ascii", True),
        ("ANSI_X3.4-1968", True),
        ("latin-1", True),
        ("cp1252", True),
        (None, True),
        ("", True),
        ("no-such-codec", True),
    ],
)
def test_needs_ascii(encoding: str | None, ascii: bool) -> None:
    assert needs_ascii(encoding) is ascii


def test_legend_names_every_mark() -> None:
    text = legend()
    for badge in ROLE_BADGES.values():
        assert badge in text
    for mark in SENTIMENT_MARKS.values():
        assert f" {mark} " in f" {text} "
    assert NOT_MET in text and "dotted-line manager" in text and "highlighted path" in text
    assert legend(ascii=True).isascii()
    assert all(len(line) <= 80 for line in legend_lines())


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="box_width"):
        OrgChartOptions(box_width=8)
    with pytest.raises(ValueError, match="gap"):
        OrgChartOptions(gap=0)
