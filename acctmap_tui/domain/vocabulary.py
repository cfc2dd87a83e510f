"""The words of account planning, as enumerations with human labels.

Values are stable identifiers stored in the database and exports; labels are what
people read. Synonyms let imports and the CLI accept the words CRMs and the seed's
template use ("Prospect", "Lead").
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Self


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


class Labelled(StrEnum):
    """An enumeration whose members carry a label and accept synonyms when parsed."""

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())

    @classmethod
    def parse(cls, text: str) -> Self:
        """The member named by ``text``: its value, its label or a known synonym.

        Raises:
            ValueError: naming the text and the accepted words.
        """
        wanted = _normalise(text)
        for member in cls:
            names = {_normalise(member.value), _normalise(member.label)}
            names.update(_normalise(s) for s in _SYNONYMS.get(member, ()))
            if wanted in names:
                return member
        accepted = ", ".join(member.label for member in cls)
        raise ValueError(f"{text!r} is not a {cls.__name__}; expected one of: {accepted}")


class TargetType(Labelled):
    """Why an account is on the map (the seed's four kinds of target)."""

    EXISTING_CUSTOMER = "existing_customer"
    LOST_ACCOUNT = "lost_account"
    ENGAGED_PROSPECT = "engaged_prospect"
    NEW_PROSPECT = "new_prospect"


class Stage(Labelled):
    """Where the pursuit stands; Won and Lost carry an amount and a date."""

    PROSPECTING = "prospecting"
    EARLY_DISCUSSIONS = "early_discussions"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"

    @property
    def is_closed(self) -> bool:
        return self in (Stage.WON, Stage.LOST)


class BuyingRole(Labelled):
    """A contact's part in the buying decision."""

    ECONOMIC_BUYER = "economic_buyer"
    CHAMPION = "champion"
    INFLUENCER = "influencer"
    TECHNICAL_BUYER = "technical_buyer"
    USER = "user"
    COACH = "coach"
    GATEKEEPER = "gatekeeper"
    BLOCKER = "blocker"


class Sentiment(Labelled):
    """How a contact feels about us, from strong supporter to blocker."""

    STRONG_SUPPORTER = "strong_supporter"
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    DETRACTOR = "detractor"
    BLOCKER = "blocker"


class RelationshipLevel(Labelled):
    """How a contact sees us, from vendor up to trusted advisor (ordered)."""

    VENDOR = "vendor"
    CREDIBLE_SOURCE = "credible_source"
    PROBLEM_SOLVER = "problem_solver"
    TRUSTED_ADVISOR = "trusted_advisor"

    @property
    def rank(self) -> int:
        return list(RelationshipLevel).index(self)


class TeamRole(Labelled):
    """A role on our side of an account (the seed's roles, plus sponsor and success)."""

    SDR = "sdr"
    ACCOUNT_EXECUTIVE = "account_executive"
    SOLUTIONS_ARCHITECT = "solutions_architect"
    MARKETING_CAMPAIGN_MANAGER = "marketing_campaign_manager"
    EXECUTIVE_SPONSOR = "executive_sponsor"
    CUSTOMER_SUCCESS = "customer_success"


class RelationshipKind(Labelled):
    """An edge of the stakeholder graph."""

    ENGAGEMENT = "engagement"
    """One of our team members has a relationship with a contact."""
    KNOWS = "knows"
    """Two contacts know each other."""
    INFLUENCES = "influences"
    """The source sways the target's opinion (a contact or a partner)."""


class ItemStatus(Labelled):
    """Progress of a mutual-activity-plan item."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"


class ConcernStatus(Labelled):
    """Whether a customer concern has been answered."""

    OPEN = "open"
    ANSWERED = "answered"


class AdoptionLevel(Labelled):
    """How fully an existing customer uses what they bought."""

    NONE = "none"
    LOW = "low"
    PARTIAL = "partial"
    FULL = "full"


class MilestoneKind(Labelled):
    """Kinds of dated key events on an account."""

    MILESTONE = "milestone"
    EVENT = "event"
    DEADLINE = "deadline"
    RENEWAL = "renewal"


class NoteKind(Labelled):
    """A free note, or a decision recorded in a review."""

    NOTE = "note"
    DECISION = "decision"


class ChangeAction(Labelled):
    """What a history entry records."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"
    REVERT = "revert"


_LABELS: dict[StrEnum, str] = {
    TargetType.EXISTING_CUSTOMER: "Existing customer (upsell)",
    TargetType.LOST_ACCOUNT: "Lost account (win-back)",
    TargetType.ENGAGED_PROSPECT: "Engaged prospect (accelerate)",
    TargetType.NEW_PROSPECT: "New prospect (warm intro)",
    BuyingRole.ECONOMIC_BUYER: "Economic buyer",
    TeamRole.SDR: "SDR",
    TeamRole.ACCOUNT_EXECUTIVE: "AE",
    TeamRole.SOLUTIONS_ARCHITECT: "Solutions architect",
    TeamRole.MARKETING_CAMPAIGN_MANAGER: "Marketing campaign manager",
}

_SYNONYMS: dict[StrEnum, tuple[str, ...]] = {
    TargetType.EXISTING_CUSTOMER: ("customer", "upsell", "existing", "expansion"),
    TargetType.LOST_ACCOUNT: ("lost", "win-back", "winback", "former customer", "churned"),
    TargetType.ENGAGED_PROSPECT: ("engaged", "accelerate", "active prospect"),
    TargetType.NEW_PROSPECT: ("new", "prospect", "net new", "warm introduction"),
    Stage.PROSPECTING: ("prospect", "lead", "new", "qualification", "subscriber", "mql", "sql"),
    Stage.EARLY_DISCUSSIONS: (
        "discovery",
        "early discussion",
        "needs analysis",
        "qualified",
        "opportunity",
        "meeting",
    ),
    Stage.PROPOSAL: ("proposal/price quote", "quote", "value proposition", "proposal sent"),
    Stage.NEGOTIATION: ("negotiation/review", "contract", "commit"),
    Stage.WON: ("closed won", "closedwon", "customer", "win"),
    Stage.LOST: ("closed lost", "closedlost", "loss"),
    BuyingRole.ECONOMIC_BUYER: ("decision maker", "eb", "budget holder", "economic"),
    BuyingRole.TECHNICAL_BUYER: ("technical", "evaluator", "technical evaluator"),
    BuyingRole.USER: ("end user", "user buyer"),
    Sentiment.STRONG_SUPPORTER: ("advocate", "strong", "fan"),
    Sentiment.SUPPORTER: ("positive", "supportive"),
    Sentiment.DETRACTOR: ("negative", "skeptic", "sceptic", "unsupportive"),
    Sentiment.BLOCKER: ("hostile", "opponent"),
    TeamRole.ACCOUNT_EXECUTIVE: ("account executive", "account manager", "am"),
    TeamRole.SDR: ("sales development rep", "sales development representative", "bdr"),
    TeamRole.SOLUTIONS_ARCHITECT: ("sa", "sales engineer", "se", "solutions engineer"),
    TeamRole.MARKETING_CAMPAIGN_MANAGER: ("marketing", "campaign manager"),
}

STANDARD_DISCOVERY_QUESTIONS: tuple[str, ...] = (
    "What specific issues is the organization facing within its industry?",
    "Can you describe a recent situation where these issues directly impacted operations?",
    "What strategies have you implemented to address these challenges? Were they effective?",
    "What are the organization's key goals and objectives?",
    "What's the biggest obstacle preventing you from achieving your current goals?",
    "How does this obstacle impact your customers?",
    "What happens if this problem remains unresolved?",
)
"""The seed's seven discovery questions, pre-filled on every account's Problem element."""
