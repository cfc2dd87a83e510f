"""Deterministic demo data, so a first run (and every screen test) has a believable map.

:func:`generate_demo` fills an empty database with target accounts, our team, each
account's people and relationships, and account plans for the top accounts. Every value
comes from one ``random.Random(seed)`` and from ``today``, never from the clock, so the
same seed and day give byte-identical tables. Rows go in with SQLAlchemy Core bulk
inserts and explicit primary keys, in one transaction: ten thousand accounts take
seconds, and a failure leaves the database as empty as it was.

Layout by generation index (an account's id is its index + 1):

* 0-5: the first full-plan accounts (every plan element, 8-30 contacts);
* 6-10: :data:`WEAK_ACCOUNTS`, each with exactly one planning mistake;
* 11: the account our former champion left (she now works at account 0);
* then the remaining full-plan accounts (1 % of all, at least six in total), the rest of
  Tier 1 (the top 20 %: mapped org charts of 8-30 contacts, light plans), and the rest
  (2-8 contacts). Revenue bands guarantee that the full-plan accounts are exactly the
  ones with the highest expected value.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from acctmap_tui.data.db import Database, reset_id_sequences
from acctmap_tui.data.models import (
    FIT_CRITERIA,
    Account,
    AccountImpact,
    AccountNote,
    AccountPlan,
    AccountProblem,
    AccountSolution,
    AccountTeam,
    ActivityPlanItem,
    AppSetting,
    Competitor,
    Concern,
    Contact,
    ContactIdentity,
    DiscoveryQuestion,
    Milestone,
    NextAction,
    Partner,
    Relationship,
    Seat,
    TeamMember,
    name_key,
)
from acctmap_tui.domain.vocabulary import (
    STANDARD_DISCOVERY_QUESTIONS,
    AdoptionLevel,
    BuyingRole,
    ConcernStatus,
    ItemStatus,
    MilestoneKind,
    NoteKind,
    RelationshipKind,
    RelationshipLevel,
    Sentiment,
    Stage,
    TargetType,
    TeamRole,
)

DEMO_MARKER_KEY = "demo"
"""The ``app_setting`` key whose presence marks a demo database (JSON: seed, accounts, today)."""

ACCOUNTS_PER_BATCH = 250
"""Accounts generated and inserted between two progress reports."""


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`generate_demo` wrote."""

    accounts: int
    contacts: int
    team_members: int
    relationships: int


@dataclass(frozen=True)
class WeakAccount:
    """An account generated with exactly one planning mistake, for the plan checks to find."""

    index: int
    """Generation index; the account's id is ``index + 1`` (the demo needs an empty database)."""
    weakness: str
    """A short code for the weakness."""
    mistake: str
    """Which of the four account-mapping mistakes it illustrates."""
    description: str


WEAK_ACCOUNTS: tuple[WeakAccount, ...] = (
    WeakAccount(
        index=6,
        weakness="no_economic_buyer",
        mistake="overlooked stakeholders",
        description="No contact is the economic buyer; the empty CFO seat holds that buying role.",
    ),
    WeakAccount(
        index=7,
        weakness="single_threaded",
        mistake="overlooked stakeholders",
        description="Exactly one contact (the champion) has an engagement with our team.",
    ),
    WeakAccount(
        index=8,
        weakness="stale_review",
        mistake="inconsistent updates",
        description="Last reviewed four months before the generation day.",
    ),
    WeakAccount(
        index=9,
        weakness="no_competition",
        mistake="incomplete competitor analysis",
        description="No competitor and no next best alternative recorded.",
    ),
    WeakAccount(
        index=10,
        weakness="no_research",
        mistake="inadequate research",
        description="Empty company overview, no problem statement, no discovery answers.",
    ),
)
"""The deliberately weak accounts; apart from its weakness each is as sound as a full plan."""

_FIRST_FULL_PLANS = 6
_FORMER_EMPLOYER_INDEX = WEAK_ACCOUNTS[-1].index + 1
_NEW_EMPLOYER_INDEX = 0
_FULL_PLAN_SHARE = 0.01
_TIER_ONE_SHARE = 0.2
_FULL_PLAN_MIN_EXPECTED_THOUSANDS = 500
_OTHER_MAX_EXPECTED_THOUSANDS = 450
"""Expected-value bands (in thousands) that keep full-plan accounts above all others."""


class _Plan(StrEnum):
    """How much of an account the demo fills in."""

    FULL = "full"
    WEAK = "weak"
    MAPPED = "mapped"
    LIGHT = "light"


# --- vocabulary of the generated world ------------------------------------------------


@dataclass(frozen=True)
class _Industry:
    name: str
    name_words: tuple[str, ...]
    customers: str
    issue: str
    incident: str
    goal: str
    obstacle: str
    customer_impact: str
    problem: str
    """Problem statement; ``{n}`` is filled from ``problem_range``."""
    problem_range: tuple[int, int]
    use_case: str
    value_proposition: str
    event: str
    value_driver: str


_INDUSTRIES: tuple[_Industry, ...] = (
    _Industry(
        "Logistics",
        ("Logistics", "Freight", "Transport", "Shipping"),
        "Retailers, e-commerce brands and food distributors",
        "Fuel costs and next-day delivery expectations are squeezing margins.",
        "A depot system outage in peak week left thousands of parcels unscanned for two days.",
        "Lift on-time delivery above 95 % and grow contract logistics revenue.",
        "Route planning is manual and split across three regional systems.",
        "Late deliveries trigger penalty clauses with their largest retail customers.",
        "On-time delivery has slipped to {n} % because route planning is manual and split "
        "across three regional systems.",
        (81, 89),
        "Unified route planning and shipment visibility across all regional depots",
        "Raise on-time delivery and cut the cost per parcel",
        "the peak-season contract renewal with their largest retailer",
        "fewer late-delivery penalties and fewer miles driven",
    ),
    _Industry(
        "Healthcare",
        ("Health", "Medical", "Care", "Clinics"),
        "Patients, employer health plans and regional insurers",
        "Clinician shortages and rising no-show rates.",
        "A scheduling backlog last winter pushed elective procedures out by six weeks.",
        "Grow patient volumes without adding administrative headcount.",
        "Scheduling and referrals live in separate systems that do not talk to each other.",
        "Patients wait weeks for appointments and some go to competing providers.",
        "{n} % of appointment slots go unused because scheduling and referrals run in "
        "disconnected systems.",
        (8, 18),
        "One scheduling and referral workflow across all clinics",
        "Fill unused appointment slots and shorten referral times",
        "the state reporting deadline for referral wait times",
        "recovered appointment revenue and fewer administrative hours",
    ),
    _Industry(
        "Manufacturing",
        ("Manufacturing", "Industries", "Components", "Fabrication"),
        "Automotive and industrial equipment manufacturers",
        "Supply volatility and pressure from OEM customers to cut lead times.",
        "An unplanned line stoppage last quarter cost three days of output at the main plant.",
        "Raise equipment effectiveness and cut lead times by a third.",
        "Maintenance data sits in paper logs and a fifteen-year-old MES.",
        "OEM customers receive late shipments and have started dual-sourcing.",
        "Unplanned downtime costs about {n} production hours a month because maintenance "
        "runs on paper logs.",
        (40, 160),
        "Predictive maintenance and production visibility for the main plants",
        "Cut unplanned downtime and protect OEM delivery commitments",
        "the OEM supplier scorecard review",
        "recovered production hours and lower expediting costs",
    ),
    _Industry(
        "Retail",
        ("Retail", "Outfitters", "Markets", "Stores"),
        "Consumers in a few hundred stores and online",
        "Thin margins and shoppers who expect to buy online and pick up in store.",
        "Stock-outs during the spring promotion cost about a week of sales on hero products.",
        "Grow online sales while improving full-price sell-through.",
        "Store inventory counts are a day old by the time merchandisers see them.",
        "Shoppers find items out of stock and switch to competitors online.",
        "Store inventory accuracy is {n} %, so click-and-collect orders fail and markdowns rise.",
        (70, 88),
        "Real-time store inventory for merchandising and fulfilment",
        "Fewer stock-outs and markdowns through real-time inventory",
        "the holiday trading season",
        "recovered sales from fewer stock-outs and lower markdowns",
    ),
    _Industry(
        "Financial services",
        ("Capital", "Financial", "Bancorp", "Payments"),
        "Small businesses and mid-market companies",
        "Fintech challengers onboard customers in minutes while KYC rules tighten.",
        "A regulator's review found incomplete KYC files in a sample of new accounts.",
        "Double small-business lending without adding compliance risk.",
        "Onboarding needs five hand-offs between sales, compliance and operations.",
        "Business customers wait days for an account and some abandon the application.",
        "Opening a business account takes {n} days because onboarding needs five manual hand-offs.",
        (6, 14),
        "Automated business onboarding with KYC checks built in",
        "Onboard business customers in hours with audit-ready KYC",
        "the regulator's follow-up review",
        "fewer abandoned applications and a lower onboarding cost",
    ),
    _Industry(
        "Insurance",
        ("Insurance", "Assurance", "Mutual", "Underwriters"),
        "Households and small businesses, through independent brokers",
        "Rising claims costs and brokers who compare service levels across carriers.",
        "A storm season doubled claims volume and the backlog took four months to clear.",
        "Improve the combined ratio and grow broker-placed premium.",
        "Claims are triaged by hand from e-mail and PDF forms.",
        "Policyholders wait weeks for settlements and brokers move business elsewhere.",
        "Claims take {n} days to settle because triage is manual and driven by e-mail.",
        (18, 45),
        "Automated claims intake and triage",
        "Settle claims faster with automated intake and triage",
        "the broker panel review",
        "a lower claims handling cost and better broker retention",
    ),
    _Industry(
        "Software",
        ("Software", "Analytics", "Labs", "Systems"),
        "Mid-market companies on annual subscriptions",
        "Slower new-logo growth, so revenue depends on renewals and expansion.",
        "Two of their ten largest customers churned last year with little warning.",
        "Raise net revenue retention above 115 %.",
        "Product usage and support data never reach the customer success team.",
        "Customers with adoption problems are spotted only at renewal time.",
        "Gross revenue churn reached {n} % because at-risk customers are spotted only at renewal.",
        (9, 17),
        "Customer health scoring from product usage and support data",
        "Reduce churn with early warning on at-risk customers",
        "the board's new retention target",
        "retained subscription revenue and expansion",
    ),
    _Industry(
        "Energy and utilities",
        ("Energy", "Power", "Utilities", "Renewables"),
        "Residential and commercial customers across the region",
        "Ageing assets, stricter reliability targets and a retiring field workforce.",
        "A winter storm caused outages that took three days to restore in rural areas.",
        "Meet the regulator's reliability targets while modernising the grid.",
        "Field crews are dispatched from whiteboards and spreadsheets.",
        "Customers face longer outages and the utility pays regulatory penalties.",
        "Restoring an outage takes {n} hours on average because crew dispatch runs on "
        "spreadsheets.",
        (4, 11),
        "Field crew scheduling and outage response",
        "Restore outages faster with optimised crew dispatch",
        "the regulator's reliability filing",
        "avoided penalties and fewer overtime hours",
    ),
)


def _words(text: str) -> tuple[str, ...]:
    """A word list written as one string, so the lists stay compact."""
    return tuple(text.split())


_NAME_FIRST_WORDS: tuple[str, ...] = _words(
    "Alder Amberley Anchor Ashford Aspen Bayfront Beacon Birchwood Bluestone Bramble "
    "Brightwater Caldera Canyon Carrow Cedar Clearwater Copperfield Coral Crescent Dovetail "
    "Driftwood Dunmore Eastgate Eldridge Elmstead Emberly Evergreen Everstone Fairhaven "
    "Falcon Fernhill Foxglove Glacier Goldleaf Granite Greystone Harborview Hawthorne Heron "
    "Highland Hollybrook Horizon Inkwell Ironbridge Ironwood Juniper Kestrel Kingfisher "
    "Lakeshore Larkspur Lighthouse Lindenwood Maplewood Marlin Millbrook Moorland Nettlebed "
    "Nightingale Northfield Northwind Oakmont Oakridge Oceanic Orchard Palisade Peregrine "
    "Pinecrest Pioneer Primrose Quarry Quayside Ravenwood Redstone Redwood Riverside "
    "Rosewood Saffron Seabright Silverline Silverpeak Stonebridge Summit Tamarack Thornbury "
    "Tidewater Upland Vantage Verdant Westbrook Whitewater Willowby Windward Wren Yarrow "
    "Zenith Ambergate Brookfield Cresthaven Dawnridge Elmhurst"
)

_LEGAL_FORMS: tuple[str, ...] = ("", " Inc.", " Group", " Holdings", " Corporation", " Ltd")

_QUALIFIERS: tuple[str, ...] = (
    "",
    *_words("Atlantic Central Coastal Eastern Global Midwest Northern Pacific Southern Western"),
)
"""Inserted after the first word ("Northwind Pacific Freight") only in demos too big for
plain names."""
_PLAIN_NAMES = (
    len(_NAME_FIRST_WORDS) * sum(len(i.name_words) for i in _INDUSTRIES) * len(_LEGAL_FORMS)
)
MAX_ACCOUNTS = _PLAIN_NAMES * len(_QUALIFIERS)
"""How many distinct company names the word lists can make."""


@dataclass(frozen=True)
class _Place:
    city: str
    region: str
    country: str
    calling_code: str


_HEADQUARTERS: tuple[_Place, ...] = (
    _Place("Chicago", "Illinois", "United States", "1"),
    _Place("Austin", "Texas", "United States", "1"),
    _Place("Denver", "Colorado", "United States", "1"),
    _Place("Atlanta", "Georgia", "United States", "1"),
    _Place("Boston", "Massachusetts", "United States", "1"),
    _Place("Seattle", "Washington", "United States", "1"),
    _Place("Columbus", "Ohio", "United States", "1"),
    _Place("Charlotte", "North Carolina", "United States", "1"),
    _Place("Minneapolis", "Minnesota", "United States", "1"),
    _Place("Phoenix", "Arizona", "United States", "1"),
    _Place("Pittsburgh", "Pennsylvania", "United States", "1"),
    _Place("San Diego", "California", "United States", "1"),
    _Place("Toronto", "Ontario", "Canada", "1"),
    _Place("Vancouver", "British Columbia", "Canada", "1"),
    _Place("Manchester", "England", "United Kingdom", "44"),
    _Place("Edinburgh", "Scotland", "United Kingdom", "44"),
    _Place("Munich", "Bavaria", "Germany", "49"),
    _Place("Rotterdam", "South Holland", "Netherlands", "31"),
    _Place("Dublin", "Leinster", "Ireland", "353"),
    _Place("Sydney", "New South Wales", "Australia", "61"),
)

_FIRST_NAMES: tuple[str, ...] = _words(
    "Aisha Alan Alicia Amir Ana Andrew Anita Ben Bianca Carlos Carmen Chen Chloe Chris "
    "Claire Daniel Dana David Deepa Diego Elena Emeka Emily Erik Fatima Felix Fiona Gabriel "
    "Hana Hassan Helen Hiro Ian Ines Irene Isaac Jack James Jana Javier Jenna Joel Jordan "
    "Julia Karen Kenji Kofi Laura Leo Lina Lucas Maria Marcus Maya Mei Michael Mina Nadia "
    "Naomi Nathan Neha Nico Nina Noah Olga Omar Paul Paula Pedro Rachel Rahul Raj Rebecca "
    "Ricardo Rosa Ruth Ryan Samir Sara Sean Sofia Stefan Tara Theo Tomas Uma Victor Vivian "
    "Wei Yara Yusuf Zara Zoe Adrian Beatrice Caleb Dmitri Esther Gareth Ingrid"
)

_LAST_NAMES: tuple[str, ...] = _words(
    "Abbott Adeyemi Alvarez Andersen Bauer Bennett Bianchi Brennan Castillo Chandra Chen "
    "Clarke Coleman Costa Dalton Das Delgado Dubois Eriksson Evans Farouk Fischer Fleming "
    "Foster Garcia Gill Gomez Grant Hansen Harper Hayes Hoffman Hughes Ibrahim Ito Jensen "
    "Johansson Kaur Keller Kim Kowalski Kumar Lambert Larsen Lee Lindqvist Lopez Mahmoud "
    "Marsh Mendes Meyer Mills Moreau Murphy Nakamura Novak Nowak Nguyen Obi Okafor Olsen "
    "Ortega Patel Perez Petrov Quinn Ramos Reid Reyes Richter Rossi Russo Saito Santos "
    "Schmidt Sharma Silva Singh Sokolov Sullivan Suzuki Tanaka Thompson Torres Turner "
    "Vargas Vogel Wagner Walsh Wang Weber Wilson Wright Yamamoto Yilmaz Young Zhang "
    "Zimmermann Haddad Oyelaran"
)


@dataclass(frozen=True)
class _Function:
    """A department of a customer, with its titles by org-chart depth (1 = C-level)."""

    department: str
    titles: tuple[tuple[str, ...], ...]


_FINANCE = _Function(
    "Finance",
    (
        ("Chief Financial Officer",),
        ("VP Finance", "VP Procurement"),
        ("Director of FP&A", "Director of Procurement", "Corporate Controller"),
        ("Finance Manager", "Procurement Manager", "Accounts Payable Manager"),
    ),
)
_TECHNOLOGY = _Function(
    "Technology",
    (
        ("Chief Technology Officer",),
        ("VP Engineering", "VP IT Infrastructure", "VP Data"),
        (
            "Director of Enterprise Architecture",
            "Director of IT Operations",
            "Director of Data Platforms",
            "Director of Information Security",
        ),
        ("IT Manager", "Data Engineering Manager", "Security Manager", "Applications Manager"),
    ),
)
_OPERATIONS = _Function(
    "Operations",
    (
        ("Chief Operating Officer",),
        ("VP Operations", "VP Supply Chain", "VP Customer Service"),
        (
            "Director of Operations",
            "Director of Planning",
            "Director of Customer Experience",
            "Director of Quality",
        ),
        ("Operations Manager", "Planning Manager", "Service Delivery Manager", "Quality Manager"),
    ),
)
_MARKETING = _Function(
    "Marketing",
    (
        ("Chief Marketing Officer",),
        ("VP Marketing", "VP Digital"),
        ("Director of Demand Generation", "Director of Brand", "Director of Marketing Operations"),
        ("Marketing Operations Manager", "Campaign Manager", "Content Manager"),
    ),
)
_SALES = _Function(
    "Sales",
    (
        ("Chief Revenue Officer",),
        ("VP Sales", "VP Partnerships"),
        ("Director of Sales Operations", "Director of Key Accounts"),
        ("Sales Operations Manager", "Key Account Manager"),
    ),
)
_PEOPLE = _Function(
    "People",
    (
        ("Chief People Officer",),
        ("VP Human Resources",),
        ("Director of Talent",),
        ("HR Business Partner",),
    ),
)
_EXECUTIVE_OFFICE = _Function("Executive Office", (("Executive Assistant to the CEO",),))

_GROWTH_WEIGHT_BY_DEPTH = {1: 6, 2: 3, 3: 1}
"""Favour broad VP layers over deep chains when attaching a new person to the chart."""
_MAX_DIRECT_REPORTS = 4


@dataclass(frozen=True)
class _Member:
    name: str
    username: str
    title: str


_AE_SUSAN = _Member("Susan Park", "susan", "Account Executive")
_AE_MARK = _Member("Mark Ellison", "mark", "Account Executive")
_SDR = _Member("Priya Raman", "priya", "Sales Development Representative")
_ARCHITECT = _Member("Tom Becker", "tom", "Solutions Architect")
_MARKETER = _Member("Lena Ortiz", "lena", "Marketing Campaign Manager")
_SPONSOR = _Member("Grace Holloway", "grace", "VP Sales")
_TEAM: tuple[_Member, ...] = (_AE_SUSAN, _AE_MARK, _SDR, _ARCHITECT, _MARKETER, _SPONSOR)
_OUR_EMAIL_DOMAIN = "our-company.example"


def _member_id(member: _Member) -> int:
    """Team members get ids 1..6 in ``_TEAM`` order (the demo needs an empty database)."""
    return _TEAM.index(member) + 1


def _owner(owner_id: int) -> _Member:
    return _TEAM[owner_id - 1]


_PERSONAL_EMAIL_DOMAIN = "mailbox.example"

_PRODUCTS = ("Insight Platform", "Workflow Automation", "Data Connect", "Premier Support")
_INTEGRATORS = (
    "Meridian Consulting Group",
    "Keystone Systems Integration",
    "Brightline Digital Partners",
    "Altura Consulting",
    "Northgate Solutions",
)
_COMPETITORS: tuple[tuple[str, str, str], ...] = (
    ("Vectrix", "Strong brand with IT; broad connector library", "Long implementations"),
    ("OptiFlow", "Low list price; quick to start", "Weak reporting; no on-site support"),
    ("Cobalt Suite", "Bundled with their ERP contract", "Generic workflows; slow roadmap"),
    ("Qantara", "Deep industry templates", "Small company; limited integrations"),
    ("Pellucid", "Modern user interface", "Unproven at enterprise scale"),
)
_COMPETITOR_POSITIONS = ("incumbent", "shortlisted", "evaluating", "eliminated")
_ALTERNATIVES = (
    "Extend the in-house spreadsheets and BI reports",
    "Do nothing and hire two more planners",
    "Stay on the incumbent's legacy module",
    "Build on their data warehouse with an internal team",
)
_SELLING_POINTS = (
    "Live in eight weeks with packaged connectors",
    "Business users build their own workflows",
    "Pricing tied to the agreed KPIs",
    "Named success manager and 24/7 support",
    "Reference customers in their industry",
)
_CONCERNS: tuple[tuple[str, str], ...] = (
    (
        "Implementation effort during their busiest season",
        "Phased roll-out after the peak; the integrator staffs the first wave",
    ),
    ("Price is above the approved budget", "A three-year ramp keeps year one within budget"),
    ("Data security review", "SOC 2 Type II report and a completed security questionnaire"),
    ("Change management for front-line teams", "Train-the-trainer programme is included"),
)
_ATTEMPTS = (
    "They added two planners and a weekly spreadsheet review; it helped for a quarter.",
    "An internal BI project produced dashboards nobody trusts because the data is stale.",
    "They piloted the incumbent's add-on module and shelved it after six months.",
)
_DRIVING_FACTORS = (
    "Board pressure on margins and a new COO with a transformation mandate",
    "Competitors have launched faster service levels",
    "A regulatory deadline and an ageing system at the end of support",
)
_IDEAL_FIRST_MEETINGS = (
    "CFO intro call",
    "Pricing call",
    "Executive briefing with the COO",
    "Discovery workshop with operations leads",
    "Technical deep-dive with IT architecture",
    "Business review with the VP Operations",
)
_STRATEGIES: dict[TargetType, tuple[str, ...]] = {
    TargetType.EXISTING_CUSTOMER: (
        "Usage review, then expand to a second business unit",
        "Executive business review ahead of renewal",
    ),
    TargetType.LOST_ACCOUNT: (
        "Win-back offer with migration support",
        "Reconnect through former champions; show the new roadmap",
    ),
    TargetType.ENGAGED_PROSPECT: (
        "Free trial + executive briefing",
        "Proof of value on one site, then roll out",
    ),
    TargetType.NEW_PROSPECT: (
        "ABM nurture campaign",
        "Warm introduction through a partner, then a discovery workshop",
    ),
}
_KEY_CHALLENGES = (
    "Procurement insists on three bids; IT has a build-it-ourselves culture.",
    "Budget sits with Finance while the pain sits with Operations.",
    "A reorganisation is under way and roles may change.",
)
_MESSAGING = (
    "Lead with the cost of inaction, then the time to value.",
    "Position as the low-risk choice: references in their industry, phased roll-out.",
    "Speak to growth, not cost: capacity to take on new customers.",
)
_PRODUCTS_AND_PRICING = (
    "Lead with Insight Platform (Enterprise tier); Workflow Automation as an add-on.",
    "Insight Platform with Data Connect; three-year term with a year-one ramp.",
    "Start with Workflow Automation for one business unit; platform licence later.",
)
_PROOF_POINTS = (
    "Case study of a peer who cut cycle times by a third; ROI model.",
    "Reference call with a customer in the same industry; analyst report.",
    "Two-week proof of value on their own data.",
)
_INCENTIVES = (
    "10 % first-year discount for signature this quarter.",
    "Implementation services at cost for the first site.",
    "Free Premier Support in year one.",
)
_NURTURE_CAMPAIGNS = (
    "Six-touch e-mail and LinkedIn sequence for operations leaders.",
    "Invitation to the regional customer round-table.",
    "Quarterly industry benchmark report, personalised.",
)
_BUDGET_AND_RESOURCES = (
    "AE and solutions architect half a day a week; partner for the proof of value.",
    "Marketing budget for one executive dinner; SA time for the technical validation.",
    "Executive sponsor for two meetings; partner-funded workshop.",
)
_DECISION_CRITERIA = (
    "Time to value, total cost over three years, fit with their data platform.",
    "Security and compliance first, then usability for front-line teams.",
)
_DECISION_PROCESS = (
    "Working group recommends; the CFO decides; the board approves spend above budget.",
    "Steering committee of COO, CTO and CFO decides after the proof of value.",
)
_PAPER_PROCESS = (
    "Security review, then legal (four weeks), then procurement signs.",
    "Master agreement through procurement; order forms signed by the CFO.",
)
_SHORT_TERM_STRATEGIES = (
    "Close the first phase this quarter with the operations use case.",
    "Win the technical validation and get the business case approved.",
)
_LONG_TERM_STRATEGIES = (
    "Expand to every business unit and become their standard platform.",
    "Grow into a strategic partnership with a joint roadmap.",
)
_TAILORING = (
    "Phased roll-out that avoids their peak season; success criteria from their KPIs.",
    "Priced per site so each region can join when ready; their integrator leads delivery.",
)
_ACTIVITY_STEPS: tuple[tuple[str, str, BuyingRole], ...] = (
    ("Discovery workshop with operations leads", "ae", BuyingRole.CHAMPION),
    ("Technical validation and security review", "architect", BuyingRole.TECHNICAL_BUYER),
    ("Business case review with the economic buyer", "ae", BuyingRole.ECONOMIC_BUYER),
    ("Reference call with a customer in the same industry", "marketer", BuyingRole.CHAMPION),
    ("Commercial proposal and legal review", "ae", BuyingRole.ECONOMIC_BUYER),
    ("Signature and kick-off planning", "ae", BuyingRole.ECONOMIC_BUYER),
)
"""Mutual activity plan steps: (step, who owns it on our side, their owner's role)."""
_NEXT_ACTIONS = (
    "Send trial invite email",
    "Create campaign assets",
    "Book the CFO intro call",
    "Share the ROI model with the champion",
    "Send the security questionnaire answers",
    "Prepare the executive briefing deck",
    "Follow up on the reference call",
    "Confirm the proposal review date",
)
_ADOPTION_GAPS = (
    "Only the head office uses it; regions still run spreadsheets.",
    "Key users left and nobody was retrained.",
)
_PARTNER_LANDSCAPES = (
    "Runs SAP for finance; Salesforce for sales.",
    "Microsoft shop; regional systems integrator on retainer.",
    "Outsources IT operations to a managed service provider.",
)
_STAGE_WEIGHTS: tuple[tuple[Stage, int], ...] = (
    (Stage.PROSPECTING, 30),
    (Stage.EARLY_DISCUSSIONS, 25),
    (Stage.PROPOSAL, 15),
    (Stage.NEGOTIATION, 10),
    (Stage.WON, 10),
    (Stage.LOST, 10),
)
_TARGET_WEIGHTS: tuple[tuple[TargetType, int], ...] = (
    (TargetType.EXISTING_CUSTOMER, 25),
    (TargetType.LOST_ACCOUNT, 10),
    (TargetType.ENGAGED_PROSPECT, 25),
    (TargetType.NEW_PROSPECT, 40),
)
_TARGET_CYCLE = (
    TargetType.LOST_ACCOUNT,
    TargetType.EXISTING_CUSTOMER,
    TargetType.ENGAGED_PROSPECT,
    TargetType.NEW_PROSPECT,
)
"""The first plain accounts take each target type in turn (the former employer is lost)."""
_FULL_PLAN_TARGET_CYCLE = (
    TargetType.EXISTING_CUSTOMER,
    TargetType.ENGAGED_PROSPECT,
    TargetType.LOST_ACCOUNT,
    TargetType.NEW_PROSPECT,
)
_OPEN_STAGES = (Stage.PROSPECTING, Stage.EARLY_DISCUSSIONS, Stage.PROPOSAL, Stage.NEGOTIATION)
_WIN_PERCENT: dict[Stage, tuple[int, int]] = {
    Stage.PROSPECTING: (5, 15),
    Stage.EARLY_DISCUSSIONS: (15, 35),
    Stage.PROPOSAL: (35, 60),
    Stage.NEGOTIATION: (55, 80),
}
_REVENUE_POTENTIAL_THOUSANDS: dict[_Plan, tuple[int, int]] = {
    _Plan.FULL: (600, 2500),
    _Plan.WEAK: (150, 600),
    _Plan.MAPPED: (250, 900),
    _Plan.LIGHT: (20, 400),
}
_ANSWERED_QUESTIONS: dict[_Plan, tuple[int, int]] = {
    _Plan.FULL: (7, 7),
    _Plan.WEAK: (3, 5),
    _Plan.MAPPED: (2, 4),
    _Plan.LIGHT: (0, 2),
}
_COMPETITORS_PER_ACCOUNT: dict[_Plan, tuple[int, int]] = {
    _Plan.FULL: (1, 3),
    _Plan.WEAK: (1, 2),
    _Plan.MAPPED: (1, 2),
    _Plan.LIGHT: (0, 1),
}
_DOTTED_LINES: dict[_Plan, tuple[int, int]] = {
    _Plan.FULL: (1, 2),
    _Plan.WEAK: (0, 0),
    _Plan.MAPPED: (0, 1),
}
"""How many of each the kinds of plan get (inclusive ranges)."""
_ENGAGEMENT_STRENGTH: dict[BuyingRole | None, tuple[int, int]] = {
    BuyingRole.CHAMPION: (4, 5),
    BuyingRole.COACH: (3, 4),
}
_SENTIMENTS: dict[BuyingRole | None, tuple[Sentiment, ...]] = {
    BuyingRole.ECONOMIC_BUYER: (Sentiment.SUPPORTER, Sentiment.NEUTRAL, Sentiment.NEUTRAL),
    BuyingRole.CHAMPION: (Sentiment.STRONG_SUPPORTER,),
    BuyingRole.COACH: (Sentiment.SUPPORTER,),
    BuyingRole.BLOCKER: (Sentiment.BLOCKER, Sentiment.DETRACTOR),
    BuyingRole.TECHNICAL_BUYER: (Sentiment.SUPPORTER, Sentiment.NEUTRAL, Sentiment.DETRACTOR),
}
_OTHER_SENTIMENTS = (
    Sentiment.SUPPORTER,
    Sentiment.SUPPORTER,
    Sentiment.NEUTRAL,
    Sentiment.NEUTRAL,
    Sentiment.NEUTRAL,
    Sentiment.DETRACTOR,
)
_INFLUENCE_BY_DEPTH: dict[int, tuple[int, int]] = {0: (5, 5), 1: (4, 5), 2: (3, 4), 3: (2, 3)}

_INFLUENCE_LINKS: tuple[tuple[BuyingRole, BuyingRole, int], ...] = (
    (BuyingRole.CHAMPION, BuyingRole.ECONOMIC_BUYER, 4),
    (BuyingRole.TECHNICAL_BUYER, BuyingRole.ECONOMIC_BUYER, 3),
    (BuyingRole.BLOCKER, BuyingRole.ECONOMIC_BUYER, 3),
    (BuyingRole.COACH, BuyingRole.CHAMPION, 3),
)
"""Who sways whom among the customer's people: (source role, target role, strength)."""
_PARTNER_NOTES = (
    "Implementation partner on their ERP roll-out; trusted by the CTO.",
    "Runs their managed IT services; has the CFO's ear on any new spend.",
)
_MONTHS: tuple[str, ...] = _words(
    "January February March April May June July August September October November December"
)
"""Month names spelled out here: strftime's %B would follow the process locale."""


# --- the generator ------------------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    """A contact being generated: first its place on the org chart, then its details."""

    depth: int
    """0 for the CEO, 1 for C-level, 2 VP, 3 director, 4 manager."""
    function: _Function | None
    title: str
    parent: int | None = None
    """Index of the manager in the account's list of people."""
    direct_reports: int = 0
    role: BuyingRole | None = None
    dotted_line_to: int | None = None
    id: int = 0
    name: str = ""
    email: str | None = None
    sentiment: Sentiment | None = None
    influence: int | None = None
    met: bool = False
    owner_id: int | None = None
    last_contacted_at: datetime | None = None
    level_current: RelationshipLevel | None = None
    level_target: RelationshipLevel | None = None
    left_on: date | None = None
    notes: str | None = None


@dataclass(slots=True)
class _Draft:
    """The account-level facts that the rows of one account share."""

    index: int
    id: int
    plan: _Plan
    weakness: str | None
    name: str
    domain: str
    industry: _Industry
    place: _Place
    target_type: TargetType
    stage: Stage
    owner_id: int
    last_reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def audit(self) -> dict[str, Any]:
        """The audit columns of every versioned row of the account."""
        return {"created_at": self.created_at, "updated_at": self.updated_at, "version": 1}


@dataclass(frozen=True)
class _Pipeline:
    revenue_potential: Decimal
    win_probability: float
    closed_amount: Decimal | None
    closed_on: date | None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _email_local(name: str) -> str:
    return ".".join(re.sub(r"[^a-z]", "", part.casefold()) for part in name.split())


def _month(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"


def _months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (clamped to the 28th so it exists)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, 28))


def _money(thousands: int) -> Decimal:
    return Decimal(thousands * 1000)


def _key_people(people: list[_Person]) -> dict[BuyingRole, _Person]:
    """The current holder of each buying role (the single-holder roles are what matters)."""
    return {person.role: person for person in people if person.role and person.left_on is None}


class _DemoGenerator:
    """Builds the demo rows account by account from one random stream, and inserts them."""

    def __init__(self, *, accounts: int, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.midnight = datetime.combine(today, time(0, 0), tzinfo=UTC)
        self.account_count = accounts
        self.full_plan_count = min(
            accounts, max(_FIRST_FULL_PLANS, round(accounts * _FULL_PLAN_SHARE))
        )
        self.mapped_count = max(0, round(accounts * _TIER_ONE_SHARE) - self.full_plan_count)
        self.weaknesses = {weak.index: weak.weakness for weak in WEAK_ACCOUNTS}
        self.rows: dict[str, list[dict[str, Any]]] = {table.name: [] for table in _INSERT_ORDER}
        self.inserted: dict[str, int] = dict.fromkeys(self.rows, 0)
        self.last_ids: dict[str, int] = {}
        self.full_plans_made = 0
        self.plain_accounts_made = 0
        self.company_names = self._company_names()
        self.mover_name = self._person_name(set())
        self.mover_email = f"{_email_local(self.mover_name)}@{_PERSONAL_EMAIL_DOMAIN}"
        self.mover: _Person | None = None
        """The former champion's record at her new employer, once generated."""

    # --- driving -------------------------------------------------------------------------

    def run(
        self, connection: sa.Connection, progress: Callable[[int, int], None] | None
    ) -> DemoSummary:
        self._team()
        for start in range(0, self.account_count, ACCOUNTS_PER_BATCH):
            end = min(start + ACCOUNTS_PER_BATCH, self.account_count)
            for index in range(start, end):
                self._account(index)
            self._flush(connection)
            if progress is not None:
                progress(end, self.account_count)
        self._marker(connection)
        return DemoSummary(
            accounts=self.inserted["account"],
            contacts=self.inserted["contact"],
            team_members=self.inserted["team_member"],
            relationships=self.inserted["relationship"],
        )

    def _flush(self, connection: sa.Connection) -> None:
        for table in _INSERT_ORDER:
            rows = self.rows[table.name]
            if rows:
                connection.execute(sa.insert(table), rows)
                self.inserted[table.name] += len(rows)
                rows.clear()

    def _marker(self, connection: sa.Connection) -> None:
        table = AppSetting.__table__
        marker = {"seed": self.seed, "accounts": self.account_count, "today": str(self.today)}
        connection.execute(sa.delete(table).where(table.c.key == DEMO_MARKER_KEY))
        connection.execute(
            sa.insert(table),
            [{"key": DEMO_MARKER_KEY, "value": json.dumps(marker), "updated_at": self.midnight}],
        )

    # --- small helpers ---------------------------------------------------------------------

    def _new_id(self, table: str) -> int:
        self.last_ids[table] = self.last_ids.get(table, 0) + 1
        return self.last_ids[table]

    def _add(self, table: str, row: dict[str, Any]) -> None:
        self.rows[table].append(row)

    def _moment(self, days_ago: int) -> datetime:
        """A time in (UTC) business hours ``days_ago`` (>= 1) days before today."""
        minutes = self.rng.randrange(8 * 60, 18 * 60)
        return self.midnight - timedelta(days=days_ago) + timedelta(minutes=minutes)

    def _day(self, days_from_today: int) -> date:
        return self.today + timedelta(days=days_from_today)

    def _company_names(self) -> list[tuple[str, _Industry]]:
        """Distinct company names, each with the industry its words suggest.

        Sampling numbers of the (qualifier, first word, industry word, legal form) grid
        gives uniqueness without retries; qualifiers only once plain names run short.
        """
        words = [(word, industry) for industry in _INDUSTRIES for word in industry.name_words]
        per_first_word = len(words) * len(_LEGAL_FORMS)
        grid = _PLAIN_NAMES if self.account_count <= _PLAIN_NAMES else MAX_ACCOUNTS
        names = []
        for number in self.rng.sample(range(grid), self.account_count):
            qualifier, plain = divmod(number, _PLAIN_NAMES)
            first, rest = divmod(plain, per_first_word)
            word_number, form = divmod(rest, len(_LEGAL_FORMS))
            word, industry = words[word_number]
            prefix = " ".join(filter(None, (_NAME_FIRST_WORDS[first], _QUALIFIERS[qualifier])))
            names.append((f"{prefix} {word}{_LEGAL_FORMS[form]}", industry))
        return names

    def _person_name(self, taken: set[str]) -> str:
        while True:
            name = f"{self.rng.choice(_FIRST_NAMES)} {self.rng.choice(_LAST_NAMES)}"
            if name not in taken:
                taken.add(name)
                return name

    def _phone(self, place: _Place) -> str:
        line = f"555 01{self.rng.randrange(100):02d}"  # 555-0100..0199 is reserved for fiction
        if place.calling_code == "1":
            return f"+1 {self.rng.randint(201, 989)} {line}"
        return f"+{place.calling_code} {line}"

    # --- our team ----------------------------------------------------------------------

    def _team(self) -> None:
        joined = self.midnight - timedelta(days=900)
        for member in _TEAM:
            self._add(
                "team_member",
                {
                    "id": _member_id(member),
                    "name": member.name,
                    "username": member.username,
                    "email": f"{member.username}@{_OUR_EMAIL_DOMAIN}",
                    "title": member.title,
                    "active": True,
                    "created_at": joined,
                    "updated_at": joined,
                    "version": 1,
                },
            )

    # --- one account -----------------------------------------------------------------------

    def _account(self, index: int) -> None:
        draft = self._draft(index)
        pipeline = self._pipeline(draft)
        integrator = self.rng.choice(_INTEGRATORS) if draft.plan is _Plan.FULL else None
        people, vacant = self._people(draft)
        self._contacts(draft, people)
        if draft.plan is _Plan.FULL or draft.weakness == "no_economic_buyer":
            self._seats(draft, people, vacant)
        partner_id = self._partner(draft, integrator) if integrator else None
        self._relationships(draft, people, partner_id)
        self._account_team(draft)
        self._plan_elements(draft, people, pipeline.revenue_potential)
        self._account_row(draft, pipeline, people, integrator)

    def _plan_of(self, index: int) -> _Plan:
        if index < _FIRST_FULL_PLANS:
            return _Plan.FULL
        if index in self.weaknesses:
            return _Plan.WEAK
        if index == _FORMER_EMPLOYER_INDEX:
            return _Plan.LIGHT
        rank = index - _FORMER_EMPLOYER_INDEX - 1
        more_full_plans = self.full_plan_count - _FIRST_FULL_PLANS
        if rank < more_full_plans:
            return _Plan.FULL
        if rank < more_full_plans + self.mapped_count:
            return _Plan.MAPPED
        return _Plan.LIGHT

    def _draft(self, index: int) -> _Draft:
        rng = self.rng
        plan = self._plan_of(index)
        weakness = self.weaknesses.get(index)
        name, industry = self.company_names[index]
        target_type, stage = self._target_and_stage(plan)
        owner = rng.choice((_AE_SUSAN, _AE_MARK))
        if weakness == "stale_review":
            review_age: int | None = (self.today - _months_before(self.today, 4)).days
        elif plan is _Plan.FULL:
            review_age = rng.randint(1, 25)
        elif plan is _Plan.WEAK:
            review_age = rng.randint(3, 20)
        elif plan is _Plan.MAPPED:
            review_age = rng.randint(5, 150)
        else:
            review_age = None if rng.random() < 0.1 else rng.randint(5, 300)
        last_reviewed_at = None if review_age is None else self._moment(review_age)
        created_at = self._moment((review_age or 1) + rng.randint(30, 700))
        return _Draft(
            index=index,
            id=self._new_id("account"),
            plan=plan,
            weakness=weakness,
            name=name,
            domain=f"{_slug(name)}.example",
            industry=industry,
            place=rng.choice(_HEADQUARTERS),
            target_type=target_type,
            stage=stage,
            owner_id=_member_id(owner),
            last_reviewed_at=last_reviewed_at,
            created_at=created_at,
            updated_at=last_reviewed_at or created_at,
        )

    def _target_and_stage(self, plan: _Plan) -> tuple[TargetType, Stage]:
        """Full plans pursue open deals; the first plain accounts cover every type and stage."""
        rng = self.rng
        if plan is _Plan.FULL:
            target = _FULL_PLAN_TARGET_CYCLE[self.full_plans_made % len(_FULL_PLAN_TARGET_CYCLE)]
            self.full_plans_made += 1
            if target in (TargetType.EXISTING_CUSTOMER, TargetType.ENGAGED_PROSPECT):
                return target, rng.choice((Stage.PROPOSAL, Stage.NEGOTIATION))
            return target, rng.choice((Stage.EARLY_DISCUSSIONS, Stage.PROPOSAL))
        if plan is _Plan.WEAK:
            return rng.choice(tuple(TargetType)), rng.choice(_OPEN_STAGES)
        ordinal = self.plain_accounts_made
        self.plain_accounts_made += 1
        stages = tuple(Stage)
        if ordinal < len(_TARGET_CYCLE):
            target = _TARGET_CYCLE[ordinal]
        else:
            target = rng.choices(*zip(*_TARGET_WEIGHTS, strict=True))[0]
        if ordinal < len(stages):
            return target, stages[ordinal]
        return target, rng.choices(*zip(*_STAGE_WEIGHTS, strict=True))[0]

    def _pipeline(self, draft: _Draft) -> _Pipeline:
        """Revenue potential in bands that put every full plan above all other accounts."""
        rng = self.rng
        low, high = _REVENUE_POTENTIAL_THOUSANDS[draft.plan]
        thousands = rng.randint(low, high)
        if draft.stage is Stage.WON:
            probability = 1.0
        elif draft.stage is Stage.LOST:
            probability = 0.0
        else:
            probability = rng.randint(*_WIN_PERCENT[draft.stage]) / 100
        if draft.plan is _Plan.FULL:
            floor_thousands = math.ceil(_FULL_PLAN_MIN_EXPECTED_THOUSANDS / probability)
            thousands = max(thousands, floor_thousands)
        elif probability:
            thousands = min(thousands, math.floor(_OTHER_MAX_EXPECTED_THOUSANDS / probability))
        if not draft.stage.is_closed:
            return _Pipeline(_money(thousands), probability, None, None)
        closed_amount = _money(thousands * rng.randint(80, 105) // 100)
        return _Pipeline(
            _money(thousands), probability, closed_amount, self._day(-rng.randint(5, 150))
        )

    # --- people ---------------------------------------------------------------------------

    def _people(self, draft: _Draft) -> tuple[list[_Person], _Function | None]:
        """The account's contacts on their org chart, with roles and our engagement."""
        rng = self.rng
        vacant = None
        if draft.plan is _Plan.LIGHT:
            former_employer = draft.index == _FORMER_EMPLOYER_INDEX
            size = rng.randint(3, 6) if former_employer else round(rng.triangular(2, 8, 7))
            people = self._small_org_chart(size)
            self._assign_small_roles(people)
            if former_employer:
                self._make_leaver(people)
        else:
            if draft.weakness == "no_economic_buyer":
                vacant = _FINANCE
            elif draft.plan is _Plan.FULL and (draft.index == 0 or rng.random() < 0.5):
                vacant = rng.choice((_OPERATIONS, _MARKETING))
            size = (
                rng.randint(6, 9) if draft.plan is _Plan.WEAK else round(rng.triangular(8, 30, 24))
            )
            people = self._org_chart(size, vacant)
            if draft.index == _NEW_EMPLOYER_INDEX and self.account_count > _FORMER_EMPLOYER_INDEX:
                self.mover = next(person for person in people if person.depth == 2)
                self.mover.role = BuyingRole.INFLUENCER
                self.mover.name = self.mover_name
            self._assign_roles(
                people,
                economic_buyer=draft.weakness != "no_economic_buyer",
                blocker=draft.plan is _Plan.FULL and rng.random() < 0.5,
            )
            self._add_dotted_lines(people, rng.randint(*_DOTTED_LINES[draft.plan]))
        for person in people:
            self._describe(draft, person, is_root=person is people[0])
        if draft.weakness == "single_threaded":
            for person in people:
                if person.role is not BuyingRole.CHAMPION:
                    self._forget(person)
        if draft.index == _FORMER_EMPLOYER_INDEX:
            self._describe_leaver(draft, people[-1])
        if draft.index == _NEW_EMPLOYER_INDEX and self.mover is not None:
            self._forget(self.mover)
            self.mover.sentiment = Sentiment.SUPPORTER
            self.mover.email = self.mover_email
            former_employer_name = self.company_names[_FORMER_EMPLOYER_INDEX][0]
            self.mover.notes = f"Joined from {former_employer_name}, where she was our champion."
        return people, vacant

    def _attach(
        self,
        people: list[_Person],
        parent: int,
        function: _Function,
        titles_taken: dict[tuple[str, int], int],
    ) -> None:
        depth = people[parent].depth + 1
        taken = titles_taken.get((function.department, depth), 0)
        titles_taken[(function.department, depth)] = taken + 1
        people[parent].direct_reports += 1
        people.append(_Person(depth, function, function.titles[depth - 1][taken], parent))

    def _can_manage(self, person: _Person, titles_taken: dict[tuple[str, int], int]) -> bool:
        function = person.function
        return (
            function is not None
            and person.depth in _GROWTH_WEIGHT_BY_DEPTH
            and person.direct_reports < _MAX_DIRECT_REPORTS
            and person.depth < len(function.titles)
            and titles_taken.get((function.department, person.depth + 1), 0)
            < len(function.titles[person.depth])
        )

    def _grow(
        self, people: list[_Person], size: int, titles_taken: dict[tuple[str, int], int]
    ) -> None:
        """Attach people under existing managers, in their department, until ``size``."""
        while len(people) < size:
            managers = [
                i for i, person in enumerate(people) if self._can_manage(person, titles_taken)
            ]
            weights = [_GROWTH_WEIGHT_BY_DEPTH[people[i].depth] for i in managers]
            manager = self.rng.choices(managers, weights)[0]
            function = people[manager].function
            assert function is not None  # _can_manage admits only people with a department
            self._attach(people, manager, function, titles_taken)

    def _org_chart(self, size: int, vacant: _Function | None) -> list[_Person]:
        """CEO at the root, the C-suite under the CEO, then VPs, directors and managers."""
        people = [_Person(0, None, "Chief Executive Officer")]
        titles_taken: dict[tuple[str, int], int] = {}
        heads = [_FINANCE, _TECHNOLOGY, _OPERATIONS, _MARKETING]
        if size >= 14:
            heads.append(_SALES)
        if size >= 22:
            heads.append(_PEOPLE)
        if size >= 10:
            heads.append(_EXECUTIVE_OFFICE)
        for function in heads:
            if function is not vacant:
                self._attach(people, 0, function, titles_taken)
        self._grow(people, size, titles_taken)
        return people

    def _small_org_chart(self, size: int) -> list[_Person]:
        """A VP with directors and managers, and sometimes a CFO as an unconnected second root."""
        function = self.rng.choice((_OPERATIONS, _TECHNOLOGY))
        people = [_Person(2, function, function.titles[1][0])]
        titles_taken = {(function.department, 2): 1}
        if size >= 4 and self.rng.random() < 0.3:
            people.append(_Person(1, _FINANCE, _FINANCE.titles[0][0]))
            titles_taken[(_FINANCE.department, 1)] = 1
        self._grow(people, size, titles_taken)
        return people

    def _pick(
        self, people: list[_Person], *preferences: Callable[[_Person], bool]
    ) -> _Person | None:
        """A random person without a role who meets the first preference anyone meets."""
        for preference in preferences:
            candidates = [person for person in people if person.role is None and preference(person)]
            if candidates:
                return self.rng.choice(candidates)
        return None

    def _assign_roles(self, people: list[_Person], *, economic_buyer: bool, blocker: bool) -> None:
        heads = {
            person.function.department: person
            for person in people
            if person.depth == 1 and person.function is not None
        }
        if economic_buyer:
            holder = heads.get(_FINANCE.department) or heads.get(_OPERATIONS.department)
            (holder or people[0]).role = BuyingRole.ECONOMIC_BUYER
        heads[_TECHNOLOGY.department].role = BuyingRole.TECHNICAL_BUYER
        wanted: list[tuple[BuyingRole, tuple[Callable[[_Person], bool], ...]]] = [
            (
                BuyingRole.CHAMPION,
                (lambda p: p.depth == 2 and p.function is not _FINANCE, lambda p: p.depth >= 1),
            ),
            (BuyingRole.COACH, (lambda p: p.depth >= 3, lambda p: p.depth >= 1)),
            (
                BuyingRole.GATEKEEPER,
                (lambda p: p.function is _EXECUTIVE_OFFICE, lambda p: "Procurement" in p.title),
            ),
        ]
        if blocker:
            wanted.append((BuyingRole.BLOCKER, (lambda p: p.depth in (2, 3),)))
        for role, preferences in wanted:
            chosen = self._pick(people, *preferences)
            if chosen is not None:
                chosen.role = role
        undecided = [person for person in people if person.role is None and 1 <= person.depth <= 3]
        for person in self.rng.sample(undecided, min(3, len(undecided))):
            person.role = BuyingRole.INFLUENCER
        for person in people:
            if person.role is None and person.depth == 4 and self.rng.random() < 0.6:
                person.role = BuyingRole.USER

    def _assign_small_roles(self, people: list[_Person]) -> None:
        rng = self.rng
        people[0].role = BuyingRole.ECONOMIC_BUYER if rng.random() < 0.4 else BuyingRole.INFLUENCER
        if rng.random() < 0.5:
            people[rng.randrange(1, len(people))].role = BuyingRole.CHAMPION
        for person in people[1:]:
            if person.role is None:
                person.role = rng.choice((BuyingRole.INFLUENCER, BuyingRole.USER, None, None))

    def _add_dotted_lines(self, people: list[_Person], count: int) -> None:
        """Dotted lines from VPs and below to another C-level: always to a shallower level,
        so reporting and dotted lines together never form a cycle."""
        heads = [
            i
            for i, person in enumerate(people)
            if person.depth == 1 and person.function is not _EXECUTIVE_OFFICE
        ]
        for _ in range(count):
            candidates = [
                i
                for i, person in enumerate(people)
                if person.depth >= 2 and person.dotted_line_to is None
            ]
            chosen = self.rng.choice(candidates)
            own_head = chosen
            while people[own_head].depth > 1 and (parent := people[own_head].parent) is not None:
                own_head = parent
            people[chosen].dotted_line_to = self.rng.choice([h for h in heads if h != own_head])

    def _describe(self, draft: _Draft, person: _Person, *, is_root: bool) -> None:
        """Influence, whether we met them, and then what they think of us."""
        rng = self.rng
        role = person.role
        if role is BuyingRole.ECONOMIC_BUYER:
            person.influence = 5
        elif role is BuyingRole.GATEKEEPER:
            person.influence = 2
        else:
            person.influence = rng.randint(*_INFLUENCE_BY_DEPTH.get(person.depth, (1, 2)))
        key_roles = (BuyingRole.CHAMPION, BuyingRole.COACH, BuyingRole.TECHNICAL_BUYER)
        if draft.plan is not _Plan.LIGHT and role in key_roles:
            chance_met = 1.0
        elif role is BuyingRole.ECONOMIC_BUYER or (draft.plan is _Plan.LIGHT and is_root):
            chance_met = 0.6
        else:
            chance_met = 0.35
        if rng.random() < chance_met:
            self._engage(draft, person)
        elif role is BuyingRole.ECONOMIC_BUYER:
            person.level_target = RelationshipLevel.TRUSTED_ADVISOR
        if person.met or role is not None:
            person.sentiment = rng.choice(_SENTIMENTS.get(role, _OTHER_SENTIMENTS))

    def _engage(self, draft: _Draft, person: _Person) -> None:
        """We have met the person: someone on our side owns the relationship."""
        rng = self.rng
        role = person.role
        person.met = True
        if role in (BuyingRole.CHAMPION, BuyingRole.ECONOMIC_BUYER) or person.depth <= 1:
            person.owner_id = draft.owner_id
        elif role is BuyingRole.TECHNICAL_BUYER:
            person.owner_id = _member_id(_ARCHITECT)
        else:
            person.owner_id = rng.choice(
                (
                    draft.owner_id,
                    _member_id(_SDR),
                    _member_id(_ARCHITECT),
                )
            )
        if draft.plan is _Plan.LIGHT and rng.random() < 0.15:
            days_ago = rng.randint(380, 900)  # an old acquaintance: freshness must discount it
        elif rng.random() < 0.15:
            days_ago = rng.randint(60, 200)
        else:
            days_ago = rng.randint(1, 40)
        person.last_contacted_at = self._moment(days_ago)
        levels = tuple(RelationshipLevel)
        if role is BuyingRole.CHAMPION:
            person.level_current = rng.choice(levels[2:])
        else:
            person.level_current = rng.choice(levels[:3])
        if role in (BuyingRole.CHAMPION, BuyingRole.ECONOMIC_BUYER):
            person.level_target = RelationshipLevel.TRUSTED_ADVISOR
        else:
            person.level_target = max(
                person.level_current, RelationshipLevel.PROBLEM_SOLVER, key=lambda level: level.rank
            )

    @staticmethod
    def _forget(person: _Person) -> None:
        """No one on our side has met the person."""
        person.met = False
        person.owner_id = None
        person.last_contacted_at = None
        person.level_current = None
        person.level_target = None

    @staticmethod
    def _make_leaver(people: list[_Person]) -> None:
        """The last person of the former employer is the champion who left (a leaf)."""
        for person in people:
            if person.role is BuyingRole.CHAMPION:
                person.role = BuyingRole.INFLUENCER
        people[-1].role = BuyingRole.CHAMPION

    def _describe_leaver(self, draft: _Draft, leaver: _Person) -> None:
        rng = self.rng
        leaver.left_on = self._day(-rng.randint(150, 240))
        self._engage(draft, leaver)
        leaver.last_contacted_at = self._moment(
            (self.today - leaver.left_on).days + rng.randint(10, 40)
        )
        leaver.level_current = RelationshipLevel.TRUSTED_ADVISOR
        leaver.sentiment = Sentiment.STRONG_SUPPORTER
        leaver.name = self.mover_name
        leaver.email = self.mover_email
        new_employer_name = self.company_names[_NEW_EMPLOYER_INDEX][0]
        leaver.notes = f"Left in {_month(leaver.left_on)}; now at {new_employer_name}."

    def _contacts(self, draft: _Draft, people: list[_Person]) -> None:
        taken = {person.name for person in people if person.name}
        for person in people:
            person.id = self._new_id("contact")
            if not person.name:
                person.name = self._person_name(taken)
            if person.email is None:
                person.email = f"{_email_local(person.name)}@{draft.domain}"
        for person in people:
            self._add(
                "contact",
                {
                    "id": person.id,
                    "account_id": draft.id,
                    "name": person.name,
                    "title": person.title,
                    "department": person.function.department if person.function else "Executive",
                    "buying_role": person.role,
                    "influence": person.influence,
                    "sentiment": person.sentiment,
                    "met": person.met,
                    "reports_to_id": None if person.parent is None else people[person.parent].id,
                    "dotted_line_to_id": (
                        None if person.dotted_line_to is None else people[person.dotted_line_to].id
                    ),
                    "email": person.email,
                    "phone": self._phone(draft.place) if person.met else None,
                    "notes": person.notes,
                    "last_contacted_at": person.last_contacted_at,
                    "relationship_owner_id": person.owner_id,
                    "level_current": person.level_current,
                    "level_target": person.level_target,
                    "left_on": person.left_on,
                    **draft.audit,
                },
            )
        if draft.index == _FORMER_EMPLOYER_INDEX and self.mover is not None:
            self._add(
                "contact_identity",
                {
                    "id": self._new_id("contact_identity"),
                    "contact_id": self.mover.id,
                    "same_as_contact_id": people[-1].id,
                    "confirmed": False,
                    "created_at": self._moment(self.rng.randint(1, 20)),
                },
            )

    def _seats(self, draft: _Draft, people: list[_Person], vacant: _Function | None) -> None:
        """A seat for the CEO and each C-level, and the vacant one still to be identified."""
        ceo_id = people[0].id
        for person in people:
            if person.depth <= 1 and person.function is not _EXECUTIVE_OFFICE:
                reports_to = ceo_id if person.depth == 1 else None
                self._seat(draft, person.title, person.role, reports_to, person.id, None)
        if vacant is not None:
            role = BuyingRole.ECONOMIC_BUYER if draft.weakness == "no_economic_buyer" else None
            self._seat(draft, vacant.titles[0][0], role, ceo_id, None, "Not yet identified.")

    def _seat(
        self,
        draft: _Draft,
        title: str,
        role: BuyingRole | None,
        reports_to_id: int | None,
        contact_id: int | None,
        notes: str | None,
    ) -> None:
        self._add(
            "seat",
            {
                "id": self._new_id("seat"),
                "account_id": draft.id,
                "role_title": title,
                "buying_role": role,
                "reports_to_id": reports_to_id,
                "contact_id": contact_id,
                "notes": notes,
                **draft.audit,
            },
        )

    def _partner(self, draft: _Draft, integrator: str) -> int:
        partner_id = self._new_id("partner")
        self._add(
            "partner",
            {
                "id": partner_id,
                "account_id": draft.id,
                "name": integrator,
                "kind": "Systems integrator",
                "influence": self.rng.randint(3, 4),
                "notes": self.rng.choice(_PARTNER_NOTES),
                **draft.audit,
            },
        )
        return partner_id

    def _relationships(self, draft: _Draft, people: list[_Person], partner_id: int | None) -> None:
        """Our engagements, who knows whom, and who influences the decision."""
        rng = self.rng
        for person in people:
            if person.owner_id is not None:
                low, high = _ENGAGEMENT_STRENGTH.get(person.role, (2, 4))
                self._relationship(
                    draft,
                    RelationshipKind.ENGAGEMENT,
                    person,
                    strength=rng.randint(low, high),
                    member_id=person.owner_id,
                    last_touch_at=person.last_contacted_at,
                )
        if draft.plan is _Plan.FULL:
            self._relationship(
                draft,
                RelationshipKind.ENGAGEMENT,
                people[0],
                strength=4,
                member_id=_member_id(_SPONSOR),
                last_touch_at=self._moment(rng.randint(400, 800)),
                notes="Met at an industry dinner; no contact since.",
            )
        acquainted: set[tuple[int, int]] = set()
        for _ in range(len(people) // 4):
            first, second = rng.sample(range(len(people)), 2)
            pair = (min(first, second), max(first, second))
            if (
                pair in acquainted
                or people[first].parent == second
                or people[second].parent == first
            ):
                continue
            acquainted.add(pair)
            self._relationship(
                draft,
                RelationshipKind.KNOWS,
                people[second],
                strength=rng.randint(2, 4),
                contact_id=people[first].id,
            )
        holders = _key_people(people)
        for source_role, target_role, strength in _INFLUENCE_LINKS:
            source, target = holders.get(source_role), holders.get(target_role)
            if source is not None and target is not None:
                self._relationship(
                    draft,
                    RelationshipKind.INFLUENCES,
                    target,
                    strength=strength,
                    contact_id=source.id,
                )
        if partner_id is not None:
            for role, strength in ((BuyingRole.TECHNICAL_BUYER, 4), (BuyingRole.ECONOMIC_BUYER, 3)):
                self._relationship(
                    draft,
                    RelationshipKind.INFLUENCES,
                    holders[role],
                    strength=strength,
                    partner_id=partner_id,
                )

    def _relationship(
        self,
        draft: _Draft,
        kind: RelationshipKind,
        target: _Person,
        *,
        strength: int,
        member_id: int | None = None,
        contact_id: int | None = None,
        partner_id: int | None = None,
        last_touch_at: datetime | None = None,
        notes: str | None = None,
    ) -> None:
        self._add(
            "relationship",
            {
                "id": self._new_id("relationship"),
                "account_id": draft.id,
                "kind": kind,
                "source_member_id": member_id,
                "source_contact_id": contact_id,
                "source_partner_id": partner_id,
                "target_contact_id": target.id,
                "strength": strength,
                "last_touch_at": last_touch_at,
                "notes": notes,
                **draft.audit,
            },
        )

    def _account_team(self, draft: _Draft) -> None:
        """SDR prospects, AE owns, SA validates, marketing nurtures (the seed's roles)."""
        rng = self.rng
        team = [
            (draft.owner_id, TeamRole.ACCOUNT_EXECUTIVE),
            (_member_id(_SDR), TeamRole.SDR),
        ]
        late_stage = draft.stage in (Stage.PROPOSAL, Stage.NEGOTIATION, Stage.WON)
        if draft.plan is not _Plan.LIGHT or late_stage:
            team.append((_member_id(_ARCHITECT), TeamRole.SOLUTIONS_ARCHITECT))
        if draft.plan is not _Plan.LIGHT or rng.random() < 0.3:
            team.append((_member_id(_MARKETER), TeamRole.MARKETING_CAMPAIGN_MANAGER))
        if draft.plan is _Plan.FULL:
            team.append((_member_id(_SPONSOR), TeamRole.EXECUTIVE_SPONSOR))
        for member_id, role in team:
            self._add(
                "account_team",
                {
                    "id": self._new_id("account_team"),
                    "account_id": draft.id,
                    "member_id": member_id,
                    "role": role,
                },
            )

    # --- the plan -------------------------------------------------------------------------

    def _plan_elements(self, draft: _Draft, people: list[_Person], potential: Decimal) -> None:
        """As much of the five plan elements as the account's plan kind calls for."""
        rng = self.rng
        plan = draft.plan
        holders = _key_people(people)
        cost = _money(rng.randint(3, 12) * 100)
        cost_of_inaction = (
            f"Roughly ${cost:,} a year in lost margin, and a top-ten customer at risk at renewal."
        )
        researched = plan is not _Plan.LIGHT or (
            draft.target_type is TargetType.EXISTING_CUSTOMER or rng.random() < 0.4
        )
        renewal_due = None
        if researched:
            if draft.weakness != "no_research":
                self._problem(
                    draft, holders.get(BuyingRole.CHAMPION) if plan is _Plan.FULL else None
                )
            renewal_due = self._solution(draft)
            if draft.weakness != "no_competition":
                self._competitors(draft, rng.randint(*_COMPETITORS_PER_ACCOUNT[plan]))
        answered = 0 if draft.weakness == "no_research" else rng.randint(*_ANSWERED_QUESTIONS[plan])
        self._discovery(draft, answered, cost_of_inaction)
        if plan is _Plan.FULL:
            event_on = self._impact(
                draft, holders=holders, cost_of_inaction=cost_of_inaction, potential=potential
            )
            self._concerns(draft, rng.randint(2, 3))
            self._account_plan(draft, holders)
            self._activity_plan(draft, holders)
            self._full_milestones(draft, event_on, renewal_due)
            self._full_next_actions(draft)
            self._notes(draft, holders)
        elif plan is _Plan.WEAK:
            event_on = self._impact(draft)
            self._concerns(draft, 1)
            self._milestone(
                draft,
                f"Compelling event: {draft.industry.event}",
                MilestoneKind.EVENT,
                event_on,
                False,
            )
            self._next_action(draft, rng.choice(_NEXT_ACTIONS), self._day(rng.randint(1, 14)), None)
        elif plan is _Plan.MAPPED or rng.random() < 0.7:
            self._next_action(
                draft, rng.choice(_NEXT_ACTIONS), self._day(rng.randint(-10, 21)), None
            )

    def _problem(self, draft: _Draft, confirmed_by: _Person | None) -> None:
        industry = draft.industry
        self._add(
            "account_problem",
            {
                "account_id": draft.id,
                "statement": industry.problem.format(n=self.rng.randint(*industry.problem_range)),
                "confirmed": confirmed_by is not None,
                "confirmed_by": confirmed_by.name if confirmed_by else None,
                "confirmed_on": self._day(-self.rng.randint(5, 40)) if confirmed_by else None,
                **draft.audit,
            },
        )

    def _discovery(self, draft: _Draft, answered: int, cost_of_inaction: str) -> None:
        """The seed's seven questions on every account; the first ``answered`` have answers."""
        industry = draft.industry
        answers = (
            industry.issue,
            industry.incident,
            self.rng.choice(_ATTEMPTS),
            industry.goal,
            industry.obstacle,
            industry.customer_impact,
            cost_of_inaction,
        )
        for position, (question, answer) in enumerate(
            zip(STANDARD_DISCOVERY_QUESTIONS, answers, strict=True)
        ):
            self._add(
                "discovery_question",
                {
                    "id": self._new_id("discovery_question"),
                    "account_id": draft.id,
                    "position": position,
                    "question": question,
                    "answer": answer if position < answered else None,
                    "is_standard": True,
                    **draft.audit,
                },
            )

    def _impact(
        self,
        draft: _Draft,
        *,
        holders: dict[BuyingRole, _Person] | None = None,
        cost_of_inaction: str | None = None,
        potential: Decimal | None = None,
    ) -> date:
        """Why now; returns the compelling event's date.

        Full plans pass the people, cost and potential and get value, validation and
        driving factors; other accounts get the timeline and compelling event only.
        """
        rng = self.rng
        industry = draft.industry
        event_on = self._day(rng.randint(45, 180))
        full = holders is not None and potential is not None
        value_amount = potential * rng.randint(2, 4) if full else None
        validator = holders.get(BuyingRole.ECONOMIC_BUYER) if holders else None
        validated = validator is not None and rng.random() < 0.75
        self._add(
            "account_impact",
            {
                "account_id": draft.id,
                "timeline": (
                    f"Decision by {_month(event_on - timedelta(days=45))}; "
                    f"live before {industry.event}."
                ),
                "compelling_event": industry.event[0].upper() + industry.event[1:],
                "compelling_event_on": event_on,
                "driving_factors": rng.choice(_DRIVING_FACTORS) if full else None,
                "cost_of_inaction": cost_of_inaction,
                "value_amount": value_amount,
                "value_description": (
                    f"${value_amount:,} over three years from {industry.value_driver}."
                    if value_amount
                    else None
                ),
                "value_validated": validated,
                "validated_by": validator.name if validated and validator else None,
                "validated_on": self._day(-rng.randint(3, 30)) if validated else None,
                **draft.audit,
            },
        )
        return event_on

    def _solution(self, draft: _Draft) -> date | None:
        """Why us; for existing customers also their history. Returns the next renewal."""
        rng = self.rng
        if draft.weakness == "no_competition" or (draft.plan is _Plan.LIGHT and rng.random() < 0.5):
            alternative = None
        else:
            alternative = rng.choice(_ALTERNATIVES)
        customer: dict[str, Any] = dict.fromkeys(
            (
                "customer_since",
                "renewal_done",
                "renewal_on",
                "products_used",
                "adoption_level",
                "adoption_gap_reason",
            )
        )
        next_renewal = None
        if draft.target_type is TargetType.EXISTING_CUSTOMER:
            renewal_done = rng.random() < 0.6
            renewal_on = self._day(-rng.randint(30, 300) if renewal_done else rng.randint(30, 300))
            next_renewal = renewal_on + timedelta(days=365) if renewal_done else renewal_on
            adoption = rng.choice((AdoptionLevel.LOW, AdoptionLevel.PARTIAL, AdoptionLevel.FULL))
            customer = {
                "customer_since": self._day(-rng.randint(400, 2500)),
                "renewal_done": renewal_done,
                "renewal_on": renewal_on,
                "products_used": ", ".join(rng.sample(_PRODUCTS[:3], rng.randint(1, 2))),
                "adoption_level": adoption,
                "adoption_gap_reason": (
                    None if adoption is AdoptionLevel.FULL else rng.choice(_ADOPTION_GAPS)
                ),
            }
        self._add(
            "account_solution",
            {
                "account_id": draft.id,
                "use_case_scope": draft.industry.use_case,
                "next_best_alternative": alternative,
                "unique_selling_points": "; ".join(rng.sample(_SELLING_POINTS, 2)),
                **customer,
                **draft.audit,
            },
        )
        return next_renewal

    def _competitors(self, draft: _Draft, count: int) -> None:
        for position, (name, strengths, weaknesses) in enumerate(
            self.rng.sample(_COMPETITORS, count)
        ):
            self._add(
                "competitor",
                {
                    "id": self._new_id("competitor"),
                    "account_id": draft.id,
                    "position": position,
                    "name": name,
                    "strengths": strengths,
                    "weaknesses": weaknesses,
                    "their_position": self.rng.choice(_COMPETITOR_POSITIONS),
                    **draft.audit,
                },
            )

    def _concerns(self, draft: _Draft, count: int) -> None:
        for position, (concern, response) in enumerate(self.rng.sample(_CONCERNS, count)):
            answered = draft.plan is _Plan.FULL and (position == 0 or self.rng.random() < 0.5)
            self._add(
                "concern",
                {
                    "id": self._new_id("concern"),
                    "account_id": draft.id,
                    "position": position,
                    "concern": concern,
                    "response": response,
                    "status": ConcernStatus.ANSWERED if answered else ConcernStatus.OPEN,
                    **draft.audit,
                },
            )

    def _account_plan(self, draft: _Draft, holders: dict[BuyingRole, _Person]) -> None:
        rng = self.rng
        champion = holders[BuyingRole.CHAMPION]
        buyer = holders[BuyingRole.ECONOMIC_BUYER]
        reviewed_on = self._day(-rng.randint(4, 20))
        owner = _owner(draft.owner_id)
        self._add(
            "account_plan",
            {
                "account_id": draft.id,
                "strategy_short_term": rng.choice(_SHORT_TERM_STRATEGIES),
                "strategy_long_term": rng.choice(_LONG_TERM_STRATEGIES),
                "proposal_details": (
                    f"{', '.join(rng.sample(_PRODUCTS, 2))} for {rng.randint(2, 40) * 50} users; "
                    f"three-year term."
                ),
                "proposal_tailoring": rng.choice(_TAILORING),
                "activity_plan_reviewed_by": champion.name,
                "activity_plan_reviewed_on": reviewed_on,
                "activity_plan_approved_by": buyer.name,
                "activity_plan_approved_on": reviewed_on + timedelta(days=rng.randint(1, 3)),
                "escalation_path": (
                    f"{owner.name} -> {_SPONSOR.name} ({_SPONSOR.title}) -> {buyer.name} "
                    f"({buyer.title}); weekly steering call with {champion.name}."
                ),
                **draft.audit,
            },
        )

    def _activity_plan(self, draft: _Draft, holders: dict[BuyingRole, _Person]) -> None:
        """Four to six mutual steps: the past ones done, so nothing is overdue."""
        rng = self.rng
        count = rng.randint(4, 6)
        done = rng.randint(1, 2)
        our_owners = {
            "ae": draft.owner_id,
            "architect": _member_id(_ARCHITECT),
            "marketer": _member_id(_MARKETER),
        }
        for position, (step, our_side, their_role) in enumerate(_ACTIVITY_STEPS[:count]):
            if position < done:
                due_on = self._day(-10 * (done - position) - rng.randint(0, 4))
                status = ItemStatus.DONE
            else:
                due_on = self._day(10 * (position - done + 1) + rng.randint(0, 4))
                if position == done:
                    status = ItemStatus.IN_PROGRESS
                elif position == count - 1 and rng.random() < 0.3:
                    status = ItemStatus.BLOCKED
                else:
                    status = ItemStatus.PLANNED
            their_owner = holders.get(their_role) or holders[BuyingRole.CHAMPION]
            self._add(
                "activity_plan_item",
                {
                    "id": self._new_id("activity_plan_item"),
                    "account_id": draft.id,
                    "position": position,
                    "step": step,
                    "our_owner_id": our_owners[our_side],
                    "their_owner_id": their_owner.id,
                    "due_on": due_on,
                    "status": status,
                    "notes": None,
                    **draft.audit,
                },
            )

    def _full_milestones(self, draft: _Draft, event_on: date, renewal_due: date | None) -> None:
        rng = self.rng
        self._milestone(
            draft,
            "Discovery workshop held",
            MilestoneKind.MILESTONE,
            self._day(-rng.randint(20, 60)),
            True,
        )
        self._milestone(
            draft, f"Compelling event: {draft.industry.event}", MilestoneKind.EVENT, event_on, False
        )
        self._milestone(
            draft, "Budget approval", MilestoneKind.DEADLINE, event_on - timedelta(days=30), False
        )
        if renewal_due is not None:
            self._milestone(draft, "Contract renewal", MilestoneKind.RENEWAL, renewal_due, False)

    def _milestone(
        self, draft: _Draft, title: str, kind: MilestoneKind, due_on: date, done: bool
    ) -> None:
        self._add(
            "milestone",
            {
                "id": self._new_id("milestone"),
                "account_id": draft.id,
                "title": title,
                "kind": kind,
                "due_on": due_on,
                "done": done,
                "notes": None,
                **draft.audit,
            },
        )

    def _full_next_actions(self, draft: _Draft) -> None:
        """One overdue, one upcoming and one done, so every due-date view has something."""
        rng = self.rng
        overdue, upcoming, finished = rng.sample(_NEXT_ACTIONS, 3)
        self._next_action(draft, overdue, self._day(-rng.randint(2, 9)), None)
        self._next_action(draft, upcoming, self._day(rng.randint(2, 14)), None)
        done_days_ago = rng.randint(10, 20)
        self._next_action(
            draft, finished, self._day(-done_days_ago), self._moment(done_days_ago - 1)
        )

    def _next_action(
        self, draft: _Draft, description: str, due_on: date, done_at: datetime | None
    ) -> None:
        self._add(
            "next_action",
            {
                "id": self._new_id("next_action"),
                "account_id": draft.id,
                "description": description,
                "owner_id": draft.owner_id,
                "due_on": due_on,
                "done_at": done_at,
                **draft.audit,
            },
        )

    def _notes(self, draft: _Draft, holders: dict[BuyingRole, _Person]) -> None:
        author = _owner(draft.owner_id).username
        champion = holders[BuyingRole.CHAMPION]
        buyer = holders[BuyingRole.ECONOMIC_BUYER]
        notes = (
            (
                NoteKind.NOTE,
                f"{champion.name} confirmed the problem statement and will bring "
                f"{buyer.name} ({buyer.title}) to the business case review.",
            ),
            (
                NoteKind.DECISION,
                f"Review decision: lead with {self.rng.choice(_PRODUCTS[:2])}; "
                f"{_SPONSOR.name} joins the executive briefing.",
            ),
        )
        for kind, body in notes:
            self._add(
                "account_note",
                {
                    "id": self._new_id("account_note"),
                    "account_id": draft.id,
                    "kind": kind,
                    "body": body,
                    "author": author,
                    "created_at": self._moment(self.rng.randint(1, 30)),
                },
            )

    # --- the account row -------------------------------------------------------------------

    def _account_row(
        self, draft: _Draft, pipeline: _Pipeline, people: list[_Person], integrator: str | None
    ) -> None:
        rng = self.rng
        plan = draft.plan
        holders = _key_people(people)
        planned = plan is not _Plan.LIGHT
        if plan is _Plan.FULL:
            fit_range = (3, 5)
        elif planned:
            fit_range = (2, 5)
        else:
            fit_range = (0, 5)
        fit_unscored = plan is _Plan.LIGHT and rng.random() < 0.2
        fit = {column: None if fit_unscored else rng.randint(*fit_range) for column in FIT_CRITERIA}
        if integrator is not None:
            partners = f"{integrator} (systems integrator); {rng.choice(_PARTNER_LANDSCAPES)}"
        else:
            partners = rng.choice(_PARTNER_LANDSCAPES) if rng.random() < 0.5 else None
        employees = int(10 ** rng.uniform(2.3, 4.9)) // 10 * 10
        revenue_cents = employees * rng.randint(120_000, 450_000) * 100 + rng.randrange(100)
        overview: dict[str, Any] = {
            "annual_revenue": Decimal(revenue_cents).scaleb(-2),
            "revenue_growth": rng.randint(-60, 280) / 1000,
            "employees": employees,
            "customers": draft.industry.customers,
            "partners": partners,
            "hq_city": draft.place.city,
            "hq_region": draft.place.region,
            "hq_country": draft.place.country,
            "industry": draft.industry.name,
            "website": f"https://www.{draft.domain}",
        }
        if draft.weakness == "no_research":
            overview = dict.fromkeys(overview)
        buyer = holders.get(BuyingRole.ECONOMIC_BUYER)
        if plan is _Plan.FULL and buyer is not None:
            sponsorship = f"{_SPONSOR.name} ({_SPONSOR.title}) to meet {buyer.name} quarterly."
        else:
            sponsorship = f"Not yet; {_SPONSOR.name} joins at proposal stage." if planned else None
        notes = None
        if draft.index == _FORMER_EMPLOYER_INDEX:
            notes = (
                f"Our champion {self.mover_name} left; win-back needs a new champion. "
                f"She now works at {self.company_names[_NEW_EMPLOYER_INDEX][0]}."
            )
        self._add(
            "account",
            {
                "id": draft.id,
                "name": draft.name,
                "name_key": name_key(draft.name),
                "target_type": draft.target_type,
                "stage": draft.stage,
                "currency": "USD",
                "revenue_potential": pipeline.revenue_potential,
                "win_probability": pipeline.win_probability,
                "closed_amount": pipeline.closed_amount,
                "closed_on": pipeline.closed_on,
                "owner_id": draft.owner_id,
                "ideal_first_meeting": rng.choice(_IDEAL_FIRST_MEETINGS),
                "value_proposition": draft.industry.value_proposition,
                "strategy": rng.choice(_STRATEGIES[draft.target_type]),
                "executive_sponsorship": sponsorship,
                "key_challenges": rng.choice(_KEY_CHALLENGES) if planned else None,
                "messaging": rng.choice(_MESSAGING) if planned else None,
                "products_and_pricing": rng.choice(_PRODUCTS_AND_PRICING) if planned else None,
                "proof_points": rng.choice(_PROOF_POINTS) if planned else None,
                "incentives": rng.choice(_INCENTIVES) if planned else None,
                "nurture_campaigns": rng.choice(_NURTURE_CAMPAIGNS) if planned else None,
                "budget_and_resources": rng.choice(_BUDGET_AND_RESOURCES) if planned else None,
                **fit,
                "last_reviewed_at": draft.last_reviewed_at,
                **overview,
                "decision_criteria": rng.choice(_DECISION_CRITERIA) if plan is _Plan.FULL else None,
                "decision_process": rng.choice(_DECISION_PROCESS) if plan is _Plan.FULL else None,
                "paper_process": rng.choice(_PAPER_PROCESS) if plan is _Plan.FULL else None,
                "notes": notes,
                **draft.audit,
            },
        )


_INSERT_ORDER: tuple[sa.Table, ...] = tuple(
    model.__table__  # type: ignore[attr-defined]
    for model in (
        TeamMember,
        Account,
        AccountTeam,
        Contact,
        ContactIdentity,
        Seat,
        Partner,
        Relationship,
        AccountProblem,
        DiscoveryQuestion,
        AccountImpact,
        AccountSolution,
        Competitor,
        Concern,
        AccountPlan,
        ActivityPlanItem,
        Milestone,
        NextAction,
        AccountNote,
    )
)
"""Parents before children, so foreign keys hold row by row."""


def generate_demo(
    database: Database,
    *,
    accounts: int = 25,
    seed: int = 7,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with a deterministic demo: our team, accounts, people, plans.

    From 17 accounts up every stage and target type appears. Everything is written in
    one transaction, so a failure leaves the database as it was.

    Args:
        database: An opened, migrated database with no accounts and no team members.
        accounts: How many accounts to make (at most :data:`MAX_ACCOUNTS`).
        seed: The same seed and ``today`` give byte-identical tables.
        today: The day all dates are relative to; defaults to today in UTC.
        progress: Called with (accounts done, accounts in total) after each batch.

    Raises:
        ValueError: ``accounts`` is out of range, or the database already holds data.
    """
    if not 1 <= accounts <= MAX_ACCOUNTS:
        raise ValueError(f"the demo makes 1 to {MAX_ACCOUNTS} accounts, not {accounts}")
    generator = _DemoGenerator(
        accounts=accounts, seed=seed, today=today or datetime.now(UTC).date()
    )
    with database.engine.begin() as connection:
        for model in (Account, TeamMember):
            table = model.__table__  # type: ignore[attr-defined]
            if connection.execute(sa.select(table.c.id).limit(1)).first() is not None:
                raise ValueError(
                    f"{database.name} already holds {table.name.replace('_', ' ')}s; "
                    "the demo needs an empty database"
                )
        summary = generator.run(connection, progress)
        reset_id_sequences(connection)
        return summary


def is_demo_database(database: Database) -> bool:
    """Whether the database was filled by :func:`generate_demo` (its marker setting exists)."""
    with database.session() as session:
        return session.get(AppSetting, DEMO_MARKER_KEY) is not None
