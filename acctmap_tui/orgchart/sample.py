"""Deterministic sample organisations, for benchmarks, tests and trying the chart out."""

from __future__ import annotations

import random
from collections import deque

from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment
from acctmap_tui.orgchart.model import OrgPerson

_FIRST = [
    "Ada",
    "Ben",
    "Cara",
    "Dev",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kai",
    "Lena",
    "Mo",
    "Nia",
    "Omar",
    "Pia",
    "Quin",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vik",
    "Wen",
    "Xia",
    "Yusuf",
    "Zoe",
]
_LAST = [
    "Abbott",
    "Baker",
    "Chen",
    "Diaz",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
    "Walsh",
    "Xu",
    "Young",
    "Zhang",
]
_TITLES = (
    ("Chief Executive Officer", "Chief Financial Officer", "Chief Operating Officer"),
    ("VP Engineering", "VP Finance", "VP Operations", "VP Sales"),
    ("Director, Platform", "Director, Procurement", "Director, IT"),
    ("Head of Security", "Head of Data", "Senior Manager"),
    ("Team Lead", "Manager"),
    ("Senior Engineer", "Analyst", "Specialist"),
    ("Engineer", "Associate", "Coordinator"),
)


def sample_org(count: int, *, roots: int = 3, seed: int = 7) -> list[OrgPerson]:
    """``count`` people in ``roots`` reports-to trees about six levels deep.

    Managers have 3 to 12 reports; about a third of managers lead only individual
    contributors (the leaf-heavy spans the chart stacks). A few seats are vacant, some
    people have a dotted-line manager and most have not been met.
    """
    chooser = random.Random(seed)
    people: list[OrgPerson] = []
    queue: deque[tuple[str, int, bool]] = deque()

    def add(manager: str | None, depth: int) -> str:
        key = f"c{len(people) + 1}"
        name = f"{chooser.choice(_FIRST)} {chooser.choice(_LAST)}"
        vacant = depth < 4 and chooser.random() < 0.05
        dotted = None
        if people and chooser.random() < 0.05:
            dotted = chooser.choice(people).key
        people.append(
            OrgPerson(
                key=key,
                name="Unknown" if vacant else name,
                title=chooser.choice(_TITLES[min(depth, len(_TITLES) - 1)]),
                role=chooser.choice([*BuyingRole, None, None, None]),
                sentiment=chooser.choice([*Sentiment, None]),
                met=chooser.random() < 0.3,
                manager=manager,
                dotted_manager=dotted if dotted != manager else None,
                vacant=vacant,
            )
        )
        return key

    for _ in range(min(roots, count)):
        queue.append((add(None, 0), 0, False))
    while len(people) < count:
        if not queue:  # every branch ended early: grow another root
            queue.append((add(None, 0), 0, False))
            continue
        manager, depth, leaves_only = queue.popleft()
        for _ in range(min(chooser.randint(3, 12), count - len(people))):
            key = add(manager, depth + 1)
            if not leaves_only and depth + 1 < 6 and chooser.random() < 0.35:
                queue.append((key, depth + 1, chooser.random() < 0.35))
    return people
