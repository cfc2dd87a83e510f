"""Freshness: a relationship's strength fades with the time since we last touched it.

``effective = strength / 5 * 0.5 ** (age_days / half_life_days)``, so an old
acquaintance is not mistaken for a warm path. The half-life is a team setting
(``app_setting`` key ``freshness_half_life_days``, default 180 days).

Which relationships fade:

* Our own ENGAGEMENT relationships (a team member to a contact) fade from their last
  touch. One with no last touch recorded counts as exactly one half-life old (half
  its strength) and is flagged stale: we cannot vouch for a relationship nobody logged.
* Relationships among their people (KNOWS, INFLUENCES, a partner's) and reporting
  lines do not fade: we do not log *their* touches, so there is no date to fade from,
  and a colleague relationship persists while both sit in the organisation.
* A relationship is *stale* when it is older than one half-life (or undated, above).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from acctmap_tui.data.stakeholder_queries import DEFAULT_HALF_LIFE_DAYS

MAX_STRENGTH = 5
"""Strengths are stored 1..5; the graph uses strength / 5 in 0..1."""
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Freshness:
    """How to age relationships: the moment of the analysis and the half-life."""

    as_of: datetime
    """Timezone-aware; a fixed value keeps the analysis reproducible."""
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS

    def __post_init__(self) -> None:
        if self.half_life_days <= 0:
            raise ValueError("the freshness half-life must be a positive number of days")
        if self.as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware")

    def age_days(self, last_touch_at: datetime | None) -> float | None:
        """Days since the last touch (never negative); None when there was none."""
        if last_touch_at is None:
            return None
        return max(0.0, (self.as_of - last_touch_at).total_seconds() / SECONDS_PER_DAY)

    def factor(self, last_touch_at: datetime | None) -> float:
        """The multiplier of an engagement's strength: 1 when touched now, 0.5 per half-life.

        An undated engagement counts as one half-life old (see the module docstring).
        """
        age = self.age_days(last_touch_at)
        if age is None:
            return 0.5
        return 0.5 ** (age / self.half_life_days)

    def is_stale(self, last_touch_at: datetime | None) -> bool:
        """Older than one half-life, or never touched."""
        age = self.age_days(last_touch_at)
        return age is None or age > self.half_life_days


def nominal_strength(strength: int) -> float:
    """A stored strength 1..5 as a weight in 0.2..1."""
    return min(max(strength, 1), MAX_STRENGTH) / MAX_STRENGTH
