"""Weighted PageRank in pure Python, fast on small graphs and free of heavy imports.

Kept apart from :mod:`acctmap_tui.graph.ranking` (which needs the NetworkX graph) so
the account table can rank all 10,000 accounts' contacts without loading NetworkX
(:mod:`acctmap_tui.graph.key_contacts`), through the very same arithmetic as the
People tab: both rankings agree because they share this function, not a copy of it.

Why not ``nx.pagerank``: it needs NumPy and SciPy, about 215 MB installed and, measured
on this project's machine, 250-400 ms to import (numpy ~130-260 ms, scipy.sparse
~140-240 ms) on top of NetworkX's own ~250 ms.

Method. PageRank with teleport ``p`` (summing to 1), whose people without votes
("dangling") hand their rank back in proportion to ``p`` (NetworkX's behaviour with
``personalization`` and no ``dangling`` argument), is the ``x`` with
``x = (1 - d) p + d s p + d M x``, ``s`` the rank of the dangling people and ``M[c][v]``
v's share of votes going to c. Let ``y`` solve ``y = p + d M y``. Every voter's shares
sum to 1, so ``sum(M y)`` is the rank of the voters, ``sum(y) - y_dangling``; then
``x = y / sum(y)`` satisfies the equation above and sums to 1. So no power iteration
(about 140 sweeps to converge at damping 0.85): ``y`` is solved directly. People whose
voters are all solved take one evaluation each, in topological order (a reporting tree
is solved in one pass); the few left, in a cycle of votes or downstream of one, are
solved by Gaussian elimination (no pivoting needed: ``I - d M`` is column diagonally
dominant), or by Gauss-Seidel sweeps when there are too many for a dense solve.

Sums are ``math.fsum`` (exactly rounded, so independent of order): the order of the
votes given never changes a result, and people in the same position of a tree of votes
(two reports of one manager, with the same declared influence) get bit-identical
scores, so they tie exactly.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from math import fsum
from typing import TypeVar

DAMPING = 0.85
TOLERANCE = 1e-13
"""Gauss-Seidel stops when a sweep moves the unsolved scores by less than this share of
their sum (the error is then a few times that, far below :data:`SCORE_DIGITS`)."""
MAX_ITERATIONS = 500
"""Gauss-Seidel sweeps at most (each shrinks the error by at least the damping)."""
DIRECT_SOLVE_LIMIT = 64
"""Up to this many people in or behind a cycle of votes are solved by elimination
(cubic, a few milliseconds at 64); more by Gauss-Seidel sweeps."""
UNKNOWN_INFLUENCE = 3
"""Teleport weight of a person without a declared influence: the middle of 1..5."""
SCORE_DIGITS = 9
"""Scores are compared rounded, so numerically equal ranks tie and fall to the next key."""

NodeT = TypeVar("NodeT", bound=Hashable)


def weighted_pagerank(
    nodes: Iterable[NodeT],
    votes: Iterable[tuple[NodeT, NodeT, float]],
    *,
    teleport: Mapping[NodeT, float] | None = None,
    damping: float = DAMPING,
) -> dict[NodeT, float]:
    """PageRank over weighted votes (see the module docstring).

    Args:
        nodes: everyone ranked; they must sort (people are indexed in sorted order).
        votes: ``(voter, chosen, weight)``; parallel votes add up, votes for oneself
            and weights of 0 or less are ignored.
        teleport: relative (positive) chance of a random jump landing on each node,
            1 if missing or None; nodes without votes hand their rank back in the same
            proportions.
    """
    people = sorted(set(nodes))  # type: ignore[type-var]
    index = {node: position for position, node in enumerate(people)}
    weights = [teleport.get(node, 1.0) if teleport else 1.0 for node in people]
    indexed = [(index[voter], index[chosen], weight) for voter, chosen, weight in votes]
    return dict(zip(people, pagerank_scores(weights, indexed, damping=damping), strict=True))


def pagerank_scores(
    teleport: Sequence[float],
    votes: Iterable[tuple[int, int, float]],
    *,
    damping: float = DAMPING,
) -> list[float]:
    """PageRank of people ``0 .. len(teleport) - 1``; the scores sum to 1.

    Args:
        teleport: each person's relative (positive) chance of a random jump.
        votes: ``(voter, chosen, weight)`` by position, in any order; parallel votes
            add up, votes for oneself and weights of 0 or less are ignored.

    Raises:
        ValueError: a teleport weight is not positive.
    """
    count = len(teleport)
    if not count:
        return []
    if min(teleport) <= 0:
        raise ValueError("teleport weights must be positive")
    chosen_by_voter: dict[int, dict[int, list[float]]] = {}
    for voter, chosen, weight in votes:
        if voter != chosen and weight > 0:
            chosen_weights = chosen_by_voter.get(voter)
            if chosen_weights is None:
                chosen_by_voter[voter] = {chosen: [weight]}
            elif chosen in chosen_weights:
                chosen_weights[chosen].append(weight)
            else:
                chosen_weights[chosen] = [weight]
    # Per person, (voter, damping * the voter's share going to them). Most voters
    # (a report with one manager) give everything to one person: a share of exactly 1.
    incoming: list[list[tuple[int, float]]] = [[] for _ in range(count)]
    for voter, chosen_weights in chosen_by_voter.items():
        if len(chosen_weights) == 1:
            for chosen in chosen_weights:
                incoming[chosen].append((voter, damping))
        else:
            summed = {chosen: fsum(weights) for chosen, weights in chosen_weights.items()}
            total = fsum(summed.values())
            for chosen, weight in summed.items():
                incoming[chosen].append((voter, damping * (weight / total)))
    # y = p + d M y. First a topological pass: whoever has all their voters solved is
    # solved by one evaluation (a tree of reporting lines is solved in one pass).
    scores: list[float] = list(teleport)
    waiting = [len(votes) for votes in incoming]
    ready = [person for person in range(count) if not waiting[person]]
    for person in ready:  # grows while it is read: voters come before whom they vote for
        votes = incoming[person]
        if votes:
            if len(votes) == 1:
                voter, share = votes[0]
                scores[person] += scores[voter] * share
            else:
                scores[person] += fsum([scores[voter] * share for voter, share in votes])
        if person in chosen_by_voter:
            for chosen in chosen_by_voter[person]:
                waiting[chosen] -= 1
                if not waiting[chosen]:
                    ready.append(chosen)
    if len(ready) < count:  # people in a cycle of votes, or downstream of one
        rest = [person for person in range(count) if waiting[person]]
        if len(rest) <= DIRECT_SOLVE_LIMIT:
            _eliminate(teleport, incoming, scores, rest)
        else:
            _sweep(teleport, incoming, scores, rest)
    total = fsum(scores)
    return [score / total for score in scores]


def _eliminate(
    teleport: Sequence[float],
    incoming: list[list[tuple[int, float]]],
    scores: list[float],
    rest: list[int],
) -> None:
    """Solve the unsolved people's equations together (Gaussian elimination)."""
    size = len(rest)
    position = {person: row for row, person in enumerate(rest)}
    matrix = [[0.0] * size for _ in range(size)]
    known = []
    for row, person in enumerate(rest):
        coefficients = matrix[row]
        coefficients[row] = 1.0
        terms = [teleport[person]]
        for voter, share in incoming[person]:
            column = position.get(voter)
            if column is None:
                terms.append(scores[voter] * share)
            else:
                coefficients[column] -= share
        known.append(fsum(terms))
    for pivot in range(size):
        pivot_row = matrix[pivot]
        for row in range(pivot + 1, size):
            below = matrix[row]
            if below[pivot]:
                factor = below[pivot] / pivot_row[pivot]
                for column in range(pivot, size):
                    below[column] -= factor * pivot_row[column]
                known[row] -= factor * known[pivot]
    for row in range(size - 1, -1, -1):
        coefficients = matrix[row]
        solved = fsum(
            [known[row]]
            + [-coefficients[column] * scores[rest[column]] for column in range(row + 1, size)]
        )
        scores[rest[row]] = solved / coefficients[row]


def _sweep(
    teleport: Sequence[float],
    incoming: list[list[tuple[int, float]]],
    scores: list[float],
    rest: list[int],
) -> None:
    """Gauss-Seidel over the unsolved people, for more than a dense solve should take."""
    for _ in range(MAX_ITERATIONS):
        moved = []
        for person in rest:
            value = teleport[person] + fsum(
                [scores[voter] * share for voter, share in incoming[person]]
            )
            moved.append(abs(value - scores[person]))
            scores[person] = value
        if fsum(moved) < TOLERANCE * fsum(scores[person] for person in rest):
            return
