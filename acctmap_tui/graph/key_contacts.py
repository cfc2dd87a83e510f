"""Key contacts of many accounts at once, by the influence ranking, without NetworkX.

The account table shows each account's most influential contacts, and it must agree
with the People tab, which ranks a built :class:`~acctmap_tui.graph.build.StakeholderGraph`
(:func:`acctmap_tui.graph.ranking.influence_ranking`). Building 10,000 NetworkX graphs
for the table would take seconds, and importing NetworkX at all would slow the first
screen, so this module takes plain rows for every account (read by a few set-based
queries in :func:`acctmap_tui.data.map_queries.load_key_contacts`) and gives
:func:`~acctmap_tui.graph.pagerank.pagerank_scores` exactly the votes and teleport
that ``influence_scores`` derives from the graph's ``sway`` edges:

* a report votes for their manager at :data:`REPORTS_TO_STRENGTH` / 5, and for their
  dotted-line manager at :data:`DOTTED_LINE_STRENGTH` / 5 (the dotted line replaces a
  solid one to the same manager, as a second ``add_edge`` does);
* "A influences B" (A a contact or a partner of the account) makes B vote for A at
  ``strength / 5``. Between the same two people only the strongest link of one
  direction counts: an influence as strong as or stronger than the reporting line it
  runs along replaces it (and so turns its vote round), as in ``build_graph``;
* teleport: declared influence, unknown counted as
  :data:`~acctmap_tui.graph.pagerank.UNKNOWN_INFLUENCE`; the account's partners take part.

Ties: the higher declared influence, then the lower contact id. A test checks the
result against ``key_contact_ids(build_graph(...))`` on the demo database.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter

from acctmap_tui.graph.freshness import nominal_strength
from acctmap_tui.graph.pagerank import SCORE_DIGITS, UNKNOWN_INFLUENCE, pagerank_scores

REPORTS_TO_STRENGTH = 3
"""As :data:`acctmap_tui.graph.build.REPORTS_TO_STRENGTH` (a test keeps them equal)."""
DOTTED_LINE_STRENGTH = 2
"""As :data:`acctmap_tui.graph.build.DOTTED_LINE_STRENGTH`."""
_INFLUENCE_PRECEDENCE = 3
_REPORTS_TO_PRECEDENCE = 4
_DOTTED_LINE_PRECEDENCE = 5
"""Positions in ``build.LINK_KINDS``: between equally strong links the earlier kind wins."""

ContactRow = tuple[int, int, int | None, int | None, int | None]
"""A current contact: ``(id, account_id, influence, reports_to_id, dotted_line_to_id)``;
rows with more fields after these (a name to show) are accepted as they are."""
InfluenceRow = tuple[int, int, int, int, int | None, int | None]
"""An INFLUENCES relationship not from our team: ``(id, account_id, target_contact_id,
strength, source_contact_id, source_partner_id)``, the account being the target's."""
PartnerRow = tuple[int, int, int | None]
"""A partner: ``(id, account_id, influence)``."""

_Link = tuple[float, int, int, bool]
"""A sway edge: strength, kind precedence, relationship id (0 for reporting lines), and
whether it is an influence (its vote goes from the target to the source)."""
_SOLID: _Link = (nominal_strength(REPORTS_TO_STRENGTH), _REPORTS_TO_PRECEDENCE, 0, False)
_DOTTED: _Link = (nominal_strength(DOTTED_LINE_STRENGTH), _DOTTED_LINE_PRECEDENCE, 0, False)


def key_contact_ids_by_account(
    contacts: Iterable[ContactRow],
    influences: Iterable[InfluenceRow],
    partners: Iterable[PartnerRow],
    *,
    limit: int,
) -> dict[int, list[int]]:
    """Per account, the ids of its ``limit`` most influential contacts, in order.

    Args:
        contacts: current contacts only (``left_on`` unset): people who left are not
            in the account's organisation, and lines to or from them do not count.
        influences: INFLUENCES relationships from a contact or a partner; those whose
            target or source is not a current contact (or a partner) of the same
            account are ignored.
        partners: every partner; each takes part in its own account's ranking.
        limit: how many contact ids to keep per account.

    Accounts without current contacts are left out.
    """
    by_id = itemgetter(0)
    people: dict[int, list[ContactRow]] = {}
    for row in sorted(contacts, key=by_id):  # each account's people in id order
        people.setdefault(row[1], []).append(row)
    partners_of: dict[int, list[PartnerRow]] = {}
    for row in sorted(partners, key=by_id):
        partners_of.setdefault(row[1], []).append(row)
    influences_of: dict[int, list[InfluenceRow]] = {}
    for row in sorted(influences, key=by_id):  # build_graph adds them in id order
        influences_of.setdefault(row[1], []).append(row)
    no_rows: list = []
    ranked: dict[int, list[int]] = {}
    for account_id, members in people.items():
        if len(members) == 1:  # nothing to rank
            ranked[account_id] = [members[0][0]][:limit]
        else:
            ranked[account_id] = _rank_account(
                members,
                partners_of.get(account_id, no_rows),
                influences_of.get(account_id, no_rows),
                limit,
            )
    return ranked


def _rank_account(
    members: list[ContactRow],
    partners: list[PartnerRow],
    influences: list[InfluenceRow],
    limit: int,
) -> list[int]:
    """One account's first ``limit`` contact ids in influence order (rows in id order)."""
    # Positions as weighted_pagerank gives them: ("contact", id) sort before ("partner", id).
    contact_position = {row[0]: position for position, row in enumerate(members)}
    reporting: list[tuple[int, int, _Link]] = []
    for position, row in enumerate(members):
        manager_id, dotted_id = row[3], row[4]
        # A dotted line to the solid-line manager replaces it (a second add_edge).
        if manager_id is not None and manager_id != dotted_id:
            manager = contact_position.get(manager_id)
            if manager is not None and manager != position:
                reporting.append((position, manager, _SOLID))
        if dotted_id is not None:
            manager = contact_position.get(dotted_id)
            if manager is not None and manager != position:
                reporting.append((position, manager, _DOTTED))
    if influences:
        votes = _with_influences(reporting, influences, contact_position, partners, len(members))
    else:  # reporting lines only: each vote goes from the report up
        votes = [(report, manager, link[0]) for report, manager, link in reporting]
    teleport = [float(row[2] or UNKNOWN_INFLUENCE) for row in members]
    if partners:
        teleport += [float(row[2] or UNKNOWN_INFLUENCE) for row in partners]
    scores = pagerank_scores(teleport, votes)
    # influence_ranking's order: rounded score, then declared influence, then id
    # (partners' scores come last in ``scores`` and are left out by zip).
    ordered = sorted(
        [
            (-round(score, SCORE_DIGITS), -(row[2] or 0), row[0])
            for score, row in zip(scores, members, strict=False)
        ]
    )
    return [key[2] for key in ordered[:limit]]


def _with_influences(
    reporting: list[tuple[int, int, _Link]],
    influences: list[InfluenceRow],
    contact_position: dict[int, int],
    partners: list[PartnerRow],
    contact_count: int,
) -> list[tuple[int, int, float]]:
    """The votes of the ``sway`` edges once the influence lines are added, as build_graph
    adds them: one edge per direction between two people, the stronger link kept."""
    partner_position = {row[0]: contact_count + position for position, row in enumerate(partners)}
    sway = {(report, manager): link for report, manager, link in reporting}
    for relationship_id, _, target_id, strength, source_contact_id, source_partner_id in influences:
        if source_contact_id is not None:
            source = contact_position.get(source_contact_id)
        else:
            source = partner_position.get(source_partner_id)  # type: ignore[arg-type]
        target = contact_position.get(target_id)
        if source is None or target is None or source == target:
            continue
        link = (nominal_strength(strength), _INFLUENCE_PRECEDENCE, relationship_id, True)
        existing = sway.get((source, target))
        if existing is None or (-link[0], link[1], link[2]) < (-existing[0], *existing[1:3]):
            sway[source, target] = link
    return [
        (target, source, strength) if is_influence else (source, target, strength)
        for (source, target), (strength, _, _, is_influence) in sway.items()
    ]
