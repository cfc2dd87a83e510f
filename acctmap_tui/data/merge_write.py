"""Saving a form's edit over someone else's save: merge what can be merged, return the rest.

The account form and the people forms save the same way: against the version they
read; when someone saved meanwhile, fields only one side changed are merged and
written on top of theirs, and fields both changed go back to the user to decide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from sqlmodel import Session

from acctmap_tui.data.account_store import StaleRecordError
from acctmap_tui.data.retry import SessionSource, run_in_transaction
from acctmap_tui.domain.merge import MergeResult, three_way_merge

T = TypeVar("T")

MERGE_ROUNDS = 5
"""Saves merged on top of others' before giving up: only reached while others keep saving."""


@dataclass(frozen=True)
class MergedWrite(Generic[T]):
    """How a save went; exactly one outcome holds.

    ``written``: saved (``merged`` says whether on top of someone's change).
    ``merge``: the same fields were changed on both sides; ``stale`` is their record.
    ``deleted``: the record was deleted meanwhile (``stale`` says by whom).
    Nothing set: others kept saving for ``MERGE_ROUNDS`` rounds.
    """

    written: T | None = None
    merged: bool = False
    merge: MergeResult | None = None
    stale: StaleRecordError | None = None
    deleted: bool = False


def write_merging(
    database: SessionSource,
    write: Callable[[Session, dict[str, Any], int | None], T],
    values: dict[str, Any],
    version: int | None,
    stored: Mapping[str, Any],
    *,
    labels: Mapping[str, str],
    order: Iterable[str],
    merged: bool = False,
) -> MergedWrite[T]:
    """Run ``write(session, values, version)`` in one transaction, merging a newer save.

    ``stored`` is what ``values`` were edited from. Store errors other than a stale
    version (a duplicate name, a missing record, the database) are raised as they are.
    """
    columns = list(order)
    for _round in range(MERGE_ROUNDS):
        try:
            # One transaction, run again if the server breaks a deadlock with it.
            written = run_in_transaction(database, partial(write, values=values, version=version))
        except StaleRecordError as stale:
            if stale.current.get("deleted_at") is not None:
                return MergedWrite(stale=stale, deleted=True)
            merge = three_way_merge(stored, values, stale.current, labels=labels, order=columns)
            if merge.conflicts:
                return MergedWrite(merge=merge, stale=stale)
            values, version, stored = merge.to_write, stale.current_version, stale.current
            merged = True
            continue
        return MergedWrite(written=written, merged=merged)
    return MergedWrite()
