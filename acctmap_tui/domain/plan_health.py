"""Plan health: how complete each plan element is, and the four account-mapping mistakes.

Pure functions over a :class:`PlanFacts` snapshot (built in a few set-based queries by
:mod:`acctmap_tui.data.plan_queries`), so the Plan tab, the account table's Health
column and ``acctmap health`` all report the same thing.

**Completeness.** Each of :data:`ELEMENTS` (the company overview and the five plan
elements; the ids are also the Plan sub-tab ids) has a list of required items; the
percentage is filled items / required items, rounded half up, and ``missing`` names
the unfilled items in words. Text counts as filled when it is not blank. The items:

* overview: annual revenue, revenue growth, employees, customers, partners, HQ city,
  HQ region, HQ country, industry, website, target type, our team roles (anyone on
  the account team);
* problem: problem statement, the answers to the seven standard discovery questions
  (one item per question: seven answered questions fill all seven), confirmed by,
  confirmed on;
* impact: timeline, compelling event, compelling event date, driving factors, cost of
  inaction, value amount, value description, value validated with the client;
* solution: use case and scope, next best alternative, unique selling points, at least
  one competitor, concerns with responses (at least one concern, every one answered);
  for existing customers only also customer since, renewal done?, renewal date,
  products used, adoption, and why adoption is not full (only when adoption is known
  and not full);
* people: an economic buyer, a champion, at least two engaged contacts, contacts
  (at least one current contact), titles (roles) for every current contact;
* plan: short-term strategy, long-term strategy, proposal details, proposal
  tailoring, at least one activity plan item, activity plan reviewed (by and on),
  activity plan approved (by and on), escalation path, at least one milestone.

:attr:`PlanHealth.overall_percent` is the mean of the six element percentages.

**Definitions used by the checks.**

* A *current* contact has not left the account (no ``left_on``).
* An *engaged contact* is a current contact with at least one ENGAGEMENT relationship
  from one of our team members, or marked as met. *Single-threaded* means fewer than
  two engaged contacts.
* The *economic buyer* is a current contact whose buying role is economic buyer (an
  empty seat with that role is named in the finding but does not count).
* The *overview is empty* when none of industry, employees, annual revenue, HQ city
  or country, website and customers is filled.
* The *problem is empty* when there is no problem statement; *no discovery answers*
  means no discovery question has a non-blank answer.
* *Not reviewed* means never reviewed, or last reviewed more than
  ``stale_after_days`` days before today (the map's stale flag, :func:`is_stale`).
* An *overdue plan item* is an activity plan item not done whose due date is before
  today. Open next actions past their due date are reported in the detail of an
  "inconsistent updates" finding, but do not raise one on their own: the account
  map already flags them, and a live plan nearly always has one running late.

**The four checks** (each raises one finding per cause, pointing at the element
where it is fixed):

* ``inadequate_research``: overview empty; problem statement empty; no discovery
  answers.
* ``overlooked_stakeholders``: no economic buyer; single-threaded.
* ``inconsistent_updates``: not reviewed within ``stale_after_days``; activity plan
  items overdue.
* ``incomplete_competitor_analysis``: no competitor and no next best alternative
  (either one alone is a documented competitive position, e.g. "do nothing").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from acctmap_tui.domain.account_map import STALE_AFTER_DAYS, is_stale
from acctmap_tui.domain.vocabulary import (
    STANDARD_DISCOVERY_QUESTIONS,
    AdoptionLevel,
    TargetType,
)

ELEMENTS: tuple[str, ...] = ("overview", "problem", "impact", "solution", "people", "plan")
"""The company overview and the five plan elements; also the Plan sub-tab ids."""

ELEMENT_LABELS: dict[str, str] = {
    "overview": "Overview",
    "problem": "Problem",
    "impact": "Impact",
    "solution": "Solution",
    "people": "People",
    "plan": "Plan",
}

INADEQUATE_RESEARCH = "inadequate_research"
OVERLOOKED_STAKEHOLDERS = "overlooked_stakeholders"
INCONSISTENT_UPDATES = "inconsistent_updates"
INCOMPLETE_COMPETITOR_ANALYSIS = "incomplete_competitor_analysis"

MISTAKE_TITLES: dict[str, str] = {
    INADEQUATE_RESEARCH: "Inadequate research",
    OVERLOOKED_STAKEHOLDERS: "Overlooked stakeholders",
    INCONSISTENT_UPDATES: "Inconsistent updates",
    INCOMPLETE_COMPETITOR_ANALYSIS: "Incomplete competitor analysis",
}
"""The four account-mapping mistakes of the seed, in its order."""

CHECKS: tuple[str, ...] = tuple(MISTAKE_TITLES)

STANDARD_QUESTION_COUNT = len(STANDARD_DISCOVERY_QUESTIONS)

OVERVIEW_FIELDS: dict[str, str] = {
    "annual_revenue": "Annual revenue",
    "revenue_growth": "Revenue growth",
    "employees": "Employees",
    "customers": "Customers",
    "partners": "Partners",
    "hq_city": "HQ city",
    "hq_region": "HQ region",
    "hq_country": "HQ country",
    "industry": "Industry",
    "website": "Website",
}
"""Account columns of the company overview: key in :attr:`PlanFacts.filled` -> label."""

OVERVIEW_RESEARCH_FIELDS: tuple[str, ...] = (
    "industry",
    "employees",
    "annual_revenue",
    "hq_city",
    "hq_country",
    "website",
    "customers",
)
"""The overview is "empty" (inadequate research) when none of these is filled."""

PROBLEM_FIELDS: dict[str, str] = {
    "problem_statement": "Problem statement",
    "confirmed_by": "Confirmed by",
    "confirmed_on": "Confirmed on",
}
IMPACT_FIELDS: dict[str, str] = {
    "timeline": "Timeline",
    "compelling_event": "Compelling event",
    "compelling_event_on": "Compelling event date",
    "driving_factors": "Driving factors",
    "cost_of_inaction": "Cost of inaction",
    "value_amount": "Value amount",
    "value_description": "Value description",
    "value_validated": "Value validated with the client",
}
SOLUTION_FIELDS: dict[str, str] = {
    "use_case_scope": "Use case and scope",
    "next_best_alternative": "Next best alternative",
    "unique_selling_points": "Unique selling points",
}
EXISTING_CUSTOMER_FIELDS: dict[str, str] = {
    "customer_since": "Customer since",
    "renewal_done": "Renewal done?",
    "renewal_on": "Renewal date",
    "products_used": "Products used",
    "adoption_level": "Adoption",
}
"""Solution items required only of existing customers."""
ADOPTION_GAP_FIELD = ("adoption_gap_reason", "Why adoption is not full")
PLAN_FIELDS: dict[str, str] = {
    "strategy_short_term": "Short-term strategy",
    "strategy_long_term": "Long-term strategy",
    "proposal_details": "Proposal details",
    "proposal_tailoring": "Proposal tailoring",
    "activity_plan_reviewed": "Activity plan reviewed (by, on)",
    "activity_plan_approved": "Activity plan approved (by, on)",
    "escalation_path": "Escalation path",
}

FILLED_KEYS: frozenset[str] = frozenset(
    {
        *OVERVIEW_FIELDS,
        *PROBLEM_FIELDS,
        *IMPACT_FIELDS,
        *SOLUTION_FIELDS,
        *EXISTING_CUSTOMER_FIELDS,
        ADOPTION_GAP_FIELD[0],
        *PLAN_FIELDS,
    }
)
"""Every key :attr:`PlanFacts.filled` may hold."""


@dataclass(frozen=True)
class PlanFacts:
    """Everything the completeness and the four checks need to know about one account.

    ``filled`` holds the keys of :data:`FILLED_KEYS` whose field is filled; the rest
    are counts and dates gathered from the account's child tables. The defaults
    describe an account with nothing planned.
    """

    account_id: int
    name: str
    target_type: TargetType = TargetType.NEW_PROSPECT
    last_reviewed_at: datetime | None = None
    filled: frozenset[str] = frozenset()
    adoption_level: AdoptionLevel | None = None
    team_roles: frozenset[str] = frozenset()
    """TeamRole values of the account team."""
    discovery_questions: int = 0
    discovery_answers: int = 0
    """Discovery questions (standard or not) with a non-blank answer."""
    competitors: int = 0
    concerns: int = 0
    concerns_with_response: int = 0
    activity_items: int = 0
    open_item_due_dates: tuple[date, ...] = ()
    """Due dates of the activity plan items not done (items without a date left out)."""
    open_action_due_dates: tuple[date, ...] = ()
    """Due dates of the open next actions (actions without a date left out)."""
    milestones: int = 0
    contacts: int = 0
    """Current contacts (not left)."""
    contacts_with_title: int = 0
    economic_buyers: int = 0
    champions: int = 0
    engaged_contacts: int = 0
    engaged_contact_name: str | None = None
    """The alphabetically first engaged contact (named when single-threaded)."""
    vacant_economic_buyer_seats: tuple[str, ...] = ()
    """Role titles of empty seats whose buying role is economic buyer."""


@dataclass(frozen=True)
class ElementCompleteness:
    """How complete one element is: a percentage and the missing items in words."""

    element: str
    label: str
    percent: int
    missing: tuple[str, ...]


@dataclass(frozen=True)
class HealthFinding:
    """One cause of one of the four mistakes, with how to fix it and where."""

    check: str
    """One of :data:`CHECKS`."""
    title: str
    detail: str
    fix: str
    element: str
    """The :data:`ELEMENTS` entry where it is fixed (the Plan sub-tab to jump to)."""


@dataclass(frozen=True)
class PlanHealth:
    """One account's plan health."""

    account_id: int
    name: str
    completeness: tuple[ElementCompleteness, ...]
    findings: tuple[HealthFinding, ...]

    @property
    def overall_percent(self) -> int:
        """The mean of the element percentages, rounded half up."""
        if not self.completeness:
            return 0
        return _round_percent(
            sum(e.percent for e in self.completeness), len(self.completeness) * 100
        )

    @property
    def has_findings(self) -> bool:
        return bool(self.findings)

    @property
    def failed_checks(self) -> tuple[str, ...]:
        """The checks with at least one finding, in :data:`CHECKS` order."""
        failed = {finding.check for finding in self.findings}
        return tuple(check for check in CHECKS if check in failed)

    def check_ok(self, check: str) -> bool:
        return all(finding.check != check for finding in self.findings)

    def element(self, element: str) -> ElementCompleteness:
        return next(item for item in self.completeness if item.element == element)


def _round_percent(filled: int, required: int) -> int:
    """``filled / required`` as a whole percentage, rounded half up (100 if nothing is required)."""
    if required <= 0:
        return 100
    return (filled * 200 + required) // (required * 2)


class _Signals(NamedTuple):
    """The facts completeness depends on, reduced so that many accounts share one value.

    Completeness is memoised on it: 10,000 accounts have a few hundred distinct ones.
    """

    filled: frozenset[str]
    existing_customer: bool
    adoption_gap_required: bool
    has_team: bool
    answered: int
    has_competitor: bool
    concerns_answered: bool
    has_economic_buyer: bool
    has_champion: bool
    two_engaged: bool
    has_contacts: bool
    all_titled: bool
    has_items: bool
    has_milestones: bool


def _signals(facts: PlanFacts) -> _Signals:
    existing = facts.target_type is TargetType.EXISTING_CUSTOMER
    return _Signals(
        filled=facts.filled,
        existing_customer=existing,
        adoption_gap_required=existing
        and facts.adoption_level is not None
        and facts.adoption_level is not AdoptionLevel.FULL,
        has_team=bool(facts.team_roles),
        answered=min(facts.discovery_answers, STANDARD_QUESTION_COUNT),
        has_competitor=facts.competitors > 0,
        concerns_answered=facts.concerns > 0 and facts.concerns_with_response >= facts.concerns,
        has_economic_buyer=facts.economic_buyers > 0,
        has_champion=facts.champions > 0,
        two_engaged=facts.engaged_contacts >= 2,
        has_contacts=facts.contacts > 0,
        all_titled=facts.contacts > 0 and facts.contacts_with_title >= facts.contacts,
        has_items=facts.activity_items > 0,
        has_milestones=facts.milestones > 0,
    )


class _Tally:
    """Filled and required items of one element, with the labels of the missing ones."""

    def __init__(self, signals: _Signals) -> None:
        self.signals = signals
        self.filled = 0
        self.required = 0
        self.missing: list[str] = []

    def item(self, label: str, is_filled: bool, weight: int = 1, filled_units: int = 0) -> None:
        self.required += weight
        if is_filled:
            self.filled += weight
        else:
            self.filled += filled_units
            self.missing.append(label)

    def fields(self, labels: dict[str, str], keys: Iterable[str] | None = None) -> None:
        for key in labels if keys is None else keys:
            self.item(labels[key], key in self.signals.filled)

    def result(self, element: str) -> ElementCompleteness:
        return ElementCompleteness(
            element=element,
            label=ELEMENT_LABELS[element],
            percent=_round_percent(self.filled, self.required),
            missing=tuple(self.missing),
        )


def _overview(tally: _Tally) -> None:
    tally.fields(OVERVIEW_FIELDS)
    tally.item("Target type", True)  # always set: every account has a target type
    tally.item("Our team roles", tally.signals.has_team)


def _problem(tally: _Tally) -> None:
    answered = tally.signals.answered
    tally.fields(PROBLEM_FIELDS, ("problem_statement",))
    tally.item(
        f"Discovery answers ({answered} of {STANDARD_QUESTION_COUNT})",
        answered >= STANDARD_QUESTION_COUNT,
        weight=STANDARD_QUESTION_COUNT,
        filled_units=answered,
    )
    tally.fields(PROBLEM_FIELDS, ("confirmed_by", "confirmed_on"))


def _impact(tally: _Tally) -> None:
    tally.fields(IMPACT_FIELDS)


def _solution(tally: _Tally) -> None:
    signals = tally.signals
    tally.fields(SOLUTION_FIELDS)
    tally.item("Competitors", signals.has_competitor)
    tally.item("Concerns with responses", signals.concerns_answered)
    if signals.existing_customer:
        tally.fields(EXISTING_CUSTOMER_FIELDS)
    if signals.adoption_gap_required:
        key, label = ADOPTION_GAP_FIELD
        tally.item(label, key in signals.filled)


def _people(tally: _Tally) -> None:
    signals = tally.signals
    tally.item("Economic buyer", signals.has_economic_buyer)
    tally.item("Champion", signals.has_champion)
    tally.item("Two engaged contacts", signals.two_engaged)
    tally.item("Contacts", signals.has_contacts)
    tally.item("Titles (roles) of all contacts", signals.all_titled)


def _plan(tally: _Tally) -> None:
    tally.fields(
        PLAN_FIELDS,
        ("strategy_short_term", "strategy_long_term", "proposal_details", "proposal_tailoring"),
    )
    tally.item("Activity plan items", tally.signals.has_items)
    tally.fields(PLAN_FIELDS, ("activity_plan_reviewed", "activity_plan_approved"))
    tally.fields(PLAN_FIELDS, ("escalation_path",))
    tally.item("Milestones", tally.signals.has_milestones)


_ELEMENT_RULES: dict[str, Callable[[_Tally], None]] = {
    "overview": _overview,
    "problem": _problem,
    "impact": _impact,
    "solution": _solution,
    "people": _people,
    "plan": _plan,
}


@functools.lru_cache(maxsize=4096)
def _completeness(signals: _Signals) -> tuple[ElementCompleteness, ...]:
    results = []
    for element in ELEMENTS:
        tally = _Tally(signals)
        _ELEMENT_RULES[element](tally)
        results.append(tally.result(element))
    return tuple(results)


def completeness(facts: PlanFacts) -> tuple[ElementCompleteness, ...]:
    """The completeness of each of :data:`ELEMENTS`, in that order."""
    return _completeness(_signals(facts))


# --- the four checks ---------------------------------------------------------------------


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def _research(facts: PlanFacts) -> list[HealthFinding]:
    findings = []
    if not any(key in facts.filled for key in OVERVIEW_RESEARCH_FIELDS):
        findings.append(
            HealthFinding(
                INADEQUATE_RESEARCH,
                "Company overview is empty",
                "No industry, size, revenue, headquarters, website or customers recorded.",
                "Research the company and fill in its overview: industry, employees, revenue, "
                "headquarters, website and customers.",
                "overview",
            )
        )
    if "problem_statement" not in facts.filled:
        findings.append(
            HealthFinding(
                INADEQUATE_RESEARCH,
                "No problem statement",
                "Why they would change is not written down.",
                "Write the problem statement in the customer's words, then confirm it with them.",
                "problem",
            )
        )
    if facts.discovery_answers == 0:
        findings.append(
            HealthFinding(
                INADEQUATE_RESEARCH,
                "No discovery answers",
                "None of the discovery questions has an answer.",
                "Ask the discovery questions in the next meeting and record the answers.",
                "problem",
            )
        )
    return findings


def _stakeholders(facts: PlanFacts) -> list[HealthFinding]:
    findings = []
    if facts.economic_buyers == 0:
        if facts.vacant_economic_buyer_seats:
            seats = ", ".join(facts.vacant_economic_buyer_seats)
            detail = f"No contact is the economic buyer; the seat ({seats}) is not yet identified."
        else:
            detail = "No current contact has the economic buyer (decision maker) role."
        findings.append(
            HealthFinding(
                OVERLOOKED_STAKEHOLDERS,
                "No economic buyer",
                detail,
                "Identify who signs off the budget, add them as a contact with the economic "
                "buyer role, and plan how to reach them.",
                "people",
            )
        )
    if facts.engaged_contacts < 2:
        if facts.engaged_contacts == 1 and facts.engaged_contact_name:
            detail = f"Only {facts.engaged_contact_name} is engaged with our team."
        elif facts.engaged_contacts == 1:
            detail = "Only one contact is engaged with our team."
        else:
            detail = "No contact has been met or engaged by our team."
        findings.append(
            HealthFinding(
                OVERLOOKED_STAKEHOLDERS,
                "Single-threaded",
                detail,
                "Engage a second stakeholder: ask your contact for an introduction and record "
                "who on our side owns the relationship.",
                "people",
            )
        )
    return findings


def _overdue(dates: Iterable[date], today: date) -> list[date]:
    return sorted(day for day in dates if day < today)


def _updates(facts: PlanFacts, today: date, stale_after_days: int) -> list[HealthFinding]:
    findings = []
    overdue_actions = _overdue(facts.open_action_due_dates, today)
    actions_note = (
        f" Also {_plural(len(overdue_actions), 'open next action')} overdue."
        if overdue_actions
        else ""
    )
    if is_stale(facts.last_reviewed_at, today, stale_after_days):
        if facts.last_reviewed_at is None:
            detail = "The account has never been reviewed."
        else:
            reviewed = facts.last_reviewed_at.date()
            days = (today - reviewed).days
            detail = (
                f"Last reviewed {days} days ago ({reviewed.isoformat()}); "
                f"review at least every {stale_after_days} days."
            )
        findings.append(
            HealthFinding(
                INCONSISTENT_UPDATES,
                "Not reviewed recently",
                detail + actions_note,
                "Review the plan with the team (people, goals and challenges change), "
                "update what changed and mark the account reviewed.",
                "overview",
            )
        )
        actions_note = ""
    overdue_items = _overdue(facts.open_item_due_dates, today)
    if overdue_items:
        findings.append(
            HealthFinding(
                INCONSISTENT_UPDATES,
                "Activity plan items overdue",
                f"{_plural(len(overdue_items), 'activity plan item')} past due "
                f"(earliest {overdue_items[0].isoformat()}).{actions_note}",
                "Update the mutual activity plan: mark finished items done and agree new "
                "dates for the rest with the customer.",
                "plan",
            )
        )
    return findings


def _competition(facts: PlanFacts) -> list[HealthFinding]:
    if facts.competitors > 0 or "next_best_alternative" in facts.filled:
        return []
    return [
        HealthFinding(
            INCOMPLETE_COMPETITOR_ANALYSIS,
            "No competitor analysis",
            "No competitor and no next best alternative recorded.",
            "Record who else they are talking to (with strengths and weaknesses) and what "
            "they would do without us, even if that is nothing.",
            "solution",
        )
    ]


def assess_plan(
    facts: PlanFacts, today: date, stale_after_days: int = STALE_AFTER_DAYS
) -> PlanHealth:
    """The completeness of every element and the findings of the four checks."""
    findings = (
        *_research(facts),
        *_stakeholders(facts),
        *_updates(facts, today, stale_after_days),
        *_competition(facts),
    )
    return PlanHealth(
        account_id=facts.account_id,
        name=facts.name,
        completeness=completeness(facts),
        findings=findings,
    )


def assess_plans(
    facts: Iterable[PlanFacts], today: date, stale_after_days: int = STALE_AFTER_DAYS
) -> list[PlanHealth]:
    """:func:`assess_plan` for many accounts, in the order given."""
    return [assess_plan(item, today, stale_after_days) for item in facts]
