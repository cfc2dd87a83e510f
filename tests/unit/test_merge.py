"""The three-way field merge behind conflict-safe saves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from acctmap_tui.domain.merge import FieldConflict, Side, how_long_ago, three_way_merge

BASE = {"name": "Acme", "stage": "prospecting", "strategy": "land", "notes": None}


def test_different_fields_merge_without_conflict() -> None:
    result = three_way_merge(BASE, {"strategy": "expand"}, {**BASE, "stage": "proposal"})

    assert result.clean
    assert result.to_write == {"strategy": "expand"}
    assert result.merged == {**BASE, "stage": "proposal", "strategy": "expand"}


def test_same_field_changed_differently_is_a_conflict_with_all_three_values() -> None:
    result = three_way_merge(
        BASE,
        {"strategy": "mine", "notes": "n"},
        {**BASE, "strategy": "theirs"},
        labels={"strategy": "Strategy"},
    )

    assert result.conflicts == [FieldConflict("strategy", "Strategy", "land", "mine", "theirs")]
    assert result.to_write == {"notes": "n"}
    assert result.merged["strategy"] == "theirs", "theirs stands until the user decides"


def test_both_changing_a_field_to_the_same_value_is_no_conflict() -> None:
    result = three_way_merge(BASE, {"stage": "won"}, {**BASE, "stage": "won"})

    assert result.clean
    assert result.to_write == {}


def test_a_value_sent_unchanged_does_not_undo_theirs() -> None:
    """Forms that send every field must not write back the stale copy of theirs."""
    result = three_way_merge(BASE, dict(BASE), {**BASE, "stage": "proposal"})

    assert result.clean
    assert result.to_write == {}
    assert result.merged["stage"] == "proposal"


def test_conflicts_follow_the_given_field_order() -> None:
    theirs = {**BASE, "name": "T", "strategy": "T", "notes": "T"}
    mine = {"notes": "M", "name": "M", "strategy": "M"}

    result = three_way_merge(BASE, mine, theirs, order=["strategy", "name"])

    assert [c.column for c in result.conflicts] == ["strategy", "name", "notes"]


def test_resolved_writes_mine_only_where_chosen_and_keeps_theirs_by_default() -> None:
    theirs = {**BASE, "name": "T", "strategy": "T"}
    result = three_way_merge(BASE, {"name": "M", "strategy": "M", "notes": "x"}, theirs)

    assert result.resolved({"name": Side.MINE, "strategy": Side.THEIRS}) == {
        "name": "M",
        "notes": "x",
    }
    assert result.resolved({}) == {"notes": "x"}


COLUMNS = ["a", "b", "c", "d", "e"]
VALUES = st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["x", "y"]))


@st.composite
def three_versions(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    base = {column: draw(VALUES) for column in COLUMNS}
    mine = {column: draw(VALUES) for column in draw(st.sets(st.sampled_from(COLUMNS)))}
    theirs = dict(base)
    for column in draw(st.sets(st.sampled_from(COLUMNS))):
        theirs[column] = draw(VALUES)
    return base, mine, theirs


@given(three_versions())
def test_no_change_of_either_side_is_dropped(
    versions: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    """Every field keeps the change of whichever side made one; overlaps are reported."""
    base, mine, theirs = versions
    result = three_way_merge(base, mine, theirs)
    conflicted = {c.column for c in result.conflicts}
    mine_changed = {c for c, v in mine.items() if v != base[c]}
    theirs_changed = {c for c in COLUMNS if theirs[c] != base[c]}

    for column in COLUMNS:
        if column in mine_changed and column in theirs_changed:
            if mine[column] != theirs[column]:
                assert column in conflicted
                continue
            assert result.merged[column] == theirs[column]
        elif column in mine_changed:
            assert result.merged[column] == mine[column]
            assert result.to_write[column] == mine[column]
        elif column in theirs_changed:
            assert result.merged[column] == theirs[column]
            assert column not in result.to_write, "writing it would undo theirs"
        else:
            assert result.merged[column] == base[column]
        assert column not in conflicted
    # Applying what is written on top of theirs gives the merge, for either choice.
    for side in Side:
        stored = {**theirs, **result.resolved(dict.fromkeys(conflicted, side))}
        for column in conflicted:
            expected = mine[column] if side is Side.MINE else theirs[column]
            assert stored[column] == expected
        assert {c: v for c, v in stored.items() if c not in conflicted} == {
            c: v for c, v in result.merged.items() if c not in conflicted
        }


def test_how_long_ago_reads_like_speech() -> None:
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

    assert how_long_ago(now - timedelta(seconds=20), now) == "just now"
    assert how_long_ago(now - timedelta(minutes=2, seconds=5), now) == "2 min ago"
    assert how_long_ago(now - timedelta(hours=5), now) == "5 h ago"
    assert how_long_ago(datetime(2025, 2, 1, 9, 0), now) == "on 2025-02-01"
