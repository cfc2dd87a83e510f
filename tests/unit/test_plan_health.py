"""Plan health over hand-made facts: completeness, the four checks, and their output."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

from rich.console import Console

from acctmap_tui.domain.plan_health import (
    CHECKS,
    ELEMENTS,
    FILLED_KEYS,
    INADEQUATE_RESEARCH,
    INCOMPLETE_COMPETITOR_ANALYSIS,
    INCONSISTENT_UPDATES,
    MISTAKE_TITLES,
    OVERLOOKED_STAKEHOLDERS,
    ElementCompleteness,
    PlanFacts,
    PlanHealth,
    assess_plan,
    assess_plans,
)
from acctmap_tui.domain.vocabulary import AdoptionLevel, TargetType
from acctmap_tui.interchange.health import health_as_json, health_as_table, health_detail_text

TODAY = date(2026, 11, 27)

EXISTING_ONLY = {
    "customer_since",
    "renewal_done",
    "renewal_on",
    "products_used",
    "adoption_level",
    "adoption_gap_reason",
}

FULL = PlanFacts(
    account_id=1,
    name="Acme Corp",
    last_reviewed_at=datetime(2026, 11, 20, tzinfo=UTC),
    filled=FILLED_KEYS - EXISTING_ONLY,
    team_roles=frozenset({"account_executive"}),
    discovery_questions=7,
    discovery_answers=7,
    competitors=1,
    concerns=2,
    concerns_with_response=2,
    activity_items=3,
    open_item_due_dates=(date(2026, 12, 5),),
    milestones=1,
    contacts=4,
    contacts_with_title=4,
    economic_buyers=1,
    champions=1,
    engaged_contacts=2,
    engaged_contact_name="Ann Lee",
)
EMPTY = PlanFacts(account_id=2, name="Bare Co")


def _checks(facts: PlanFacts) -> tuple[str, ...]:
    return assess_plan(facts, TODAY).failed_checks


def test_a_full_plan_is_complete_with_no_findings() -> None:
    health = assess_plan(FULL, TODAY)

    assert [item.element for item in health.completeness] == list(ELEMENTS)
    assert all(item.percent == 100 and item.missing == () for item in health.completeness)
    assert health.overall_percent == 100
    assert not health.has_findings


def test_an_empty_plan_lists_what_is_missing() -> None:
    health = assess_plan(EMPTY, TODAY)
    by_element = {item.element: item for item in health.completeness}

    assert by_element["overview"] == ElementCompleteness(
        "overview",
        "Overview",
        8,
        (
            "Annual revenue",
            "Revenue growth",
            "Employees",
            "Customers",
            "Partners",
            "HQ city",
            "HQ region",
            "HQ country",
            "Industry",
            "Website",
            "Our team roles",
        ),
    )
    assert by_element["problem"].missing == (
        "Problem statement",
        "Discovery answers (0 of 7)",
        "Confirmed by",
        "Confirmed on",
    )
    assert by_element["impact"].missing == (
        "Timeline",
        "Compelling event",
        "Compelling event date",
        "Driving factors",
        "Cost of inaction",
        "Value amount",
        "Value description",
        "Value validated with the client",
    )
    assert by_element["solution"].missing == (
        "Use case and scope",
        "Next best alternative",
        "Unique selling points",
        "Competitors",
        "Concerns with responses",
    )
    assert by_element["people"].missing == (
        "Economic buyer",
        "Champion",
        "Two engaged contacts",
        "Contacts",
        "Titles (roles) of all contacts",
    )
    assert by_element["plan"].missing == (
        "Short-term strategy",
        "Long-term strategy",
        "Proposal details",
        "Proposal tailoring",
        "Activity plan items",
        "Activity plan reviewed (by, on)",
        "Activity plan approved (by, on)",
        "Escalation path",
        "Milestones",
    )
    assert [item.percent for item in health.completeness] == [8, 0, 0, 0, 0, 0]
    assert health.overall_percent == 1  # 8 / 6 = 1.33
    assert health.failed_checks == CHECKS


def test_percentages_count_each_discovery_answer_and_round_half_up() -> None:
    partly = replace(
        FULL, discovery_answers=3, filled=FULL.filled - {"confirmed_on", "value_validated"}
    )
    health = assess_plan(partly, TODAY)

    problem = health.element("problem")
    assert problem.missing == ("Discovery answers (3 of 7)", "Confirmed on")
    assert problem.percent == 50  # (1 + 3 + 1) of 10
    assert health.element("impact").percent == 88  # 7 of 8 = 87.5, rounded up
    assert health.overall_percent == 90  # (100 + 50 + 88 + 100 * 3) / 6 = 89.67


def test_existing_customer_fields_count_only_for_existing_customers() -> None:
    assert assess_plan(FULL, TODAY).element("solution").percent == 100

    customer = replace(FULL, target_type=TargetType.EXISTING_CUSTOMER)
    solution = assess_plan(customer, TODAY).element("solution")
    assert solution.missing == (
        "Customer since",
        "Renewal done?",
        "Renewal date",
        "Products used",
        "Adoption",
    )
    assert solution.percent == 50  # 5 of 10

    partial = replace(
        customer,
        filled=customer.filled | (EXISTING_ONLY - {"adoption_gap_reason"}),
        adoption_level=AdoptionLevel.PARTIAL,
    )
    assert assess_plan(partial, TODAY).element("solution").missing == ("Why adoption is not full",)
    full_adoption = replace(partial, adoption_level=AdoptionLevel.FULL)
    assert assess_plan(full_adoption, TODAY).element("solution").percent == 100

    # A lost account's leftover customer fields neither count nor go missing.
    lost = replace(FULL, target_type=TargetType.LOST_ACCOUNT, adoption_level=AdoptionLevel.LOW)
    assert assess_plan(lost, TODAY).element("solution").percent == 100


def test_inadequate_research() -> None:
    overview_gone = FULL.filled - {
        "industry",
        "employees",
        "annual_revenue",
        "hq_city",
        "hq_country",
        "website",
        "customers",
    }
    # Partners, region and growth alone are not research.
    assert _checks(replace(FULL, filled=overview_gone)) == (INADEQUATE_RESEARCH,)
    assert _checks(replace(FULL, filled=overview_gone | {"website"})) == ()
    assert _checks(replace(FULL, filled=FULL.filled - {"problem_statement"})) == (
        INADEQUATE_RESEARCH,
    )
    assert _checks(replace(FULL, discovery_answers=0)) == (INADEQUATE_RESEARCH,)
    assert _checks(replace(FULL, discovery_answers=1)) == ()


def test_overlooked_stakeholders() -> None:
    no_buyer = assess_plan(
        replace(FULL, economic_buyers=0, vacant_economic_buyer_seats=("CFO",)), TODAY
    )
    assert [f.title for f in no_buyer.findings] == ["No economic buyer"]
    assert "(CFO)" in no_buyer.findings[0].detail

    single = assess_plan(replace(FULL, engaged_contacts=1), TODAY)
    assert [f.title for f in single.findings] == ["Single-threaded"]
    assert "Only Ann Lee" in single.findings[0].detail
    none_engaged = assess_plan(replace(FULL, engaged_contacts=0, engaged_contact_name=None), TODAY)
    assert none_engaged.failed_checks == (OVERLOOKED_STAKEHOLDERS,)
    assert _checks(replace(FULL, engaged_contacts=5)) == ()


def test_inconsistent_updates() -> None:
    reviewed_91_days_ago = datetime(2026, 8, 28, 15, 0, tzinfo=UTC)
    reviewed_90_days_ago = datetime(2026, 8, 29, 15, 0, tzinfo=UTC)
    assert _checks(replace(FULL, last_reviewed_at=reviewed_91_days_ago)) == (INCONSISTENT_UPDATES,)
    assert _checks(replace(FULL, last_reviewed_at=reviewed_90_days_ago)) == ()
    assert _checks(replace(FULL, last_reviewed_at=None)) == (INCONSISTENT_UPDATES,)
    # The review cycle is a setting.
    health = assess_plan(replace(FULL, last_reviewed_at=reviewed_90_days_ago), TODAY, 30)
    assert "review at least every 30 days" in health.findings[0].detail

    overdue = assess_plan(
        replace(FULL, open_item_due_dates=(date(2026, 11, 1), date(2026, 11, 26), TODAY)), TODAY
    )
    assert [f.title for f in overdue.findings] == ["Activity plan items overdue"]
    assert overdue.findings[0].detail == "2 activity plan items past due (earliest 2026-11-01)."

    # Overdue next actions are told in the detail, never a finding of their own.
    late_action = replace(FULL, open_action_due_dates=(date(2026, 11, 20),))
    assert _checks(late_action) == ()
    both = assess_plan(replace(late_action, open_item_due_dates=(date(2026, 11, 2),)), TODAY)
    assert both.findings[0].detail.endswith("Also 1 open next action overdue.")


def test_incomplete_competitor_analysis() -> None:
    no_alternative = FULL.filled - {"next_best_alternative"}
    assert _checks(replace(FULL, filled=no_alternative)) == ()
    assert _checks(replace(FULL, competitors=0)) == ()
    neither = assess_plan(replace(FULL, competitors=0, filled=no_alternative), TODAY)
    assert neither.failed_checks == (INCOMPLETE_COMPETITOR_ANALYSIS,)
    assert neither.findings[0].element == "solution"


def test_every_finding_names_a_check_an_element_and_a_fix() -> None:
    health = assess_plan(EMPTY, TODAY)

    assert set(MISTAKE_TITLES) == set(CHECKS)
    for finding in health.findings:
        assert finding.check in CHECKS
        assert finding.element in ELEMENTS
        assert finding.fix.endswith(".") and finding.title and finding.detail
    assert [f.check for f in health.findings] == sorted(
        (f.check for f in health.findings), key=CHECKS.index
    )


def test_assess_plans_keeps_the_order() -> None:
    healths = assess_plans([EMPTY, FULL], TODAY)
    assert [h.account_id for h in healths] == [2, 1]


# --- output ------------------------------------------------------------------------------


def test_json_shape() -> None:
    records = json.loads(health_as_json([assess_plan(FULL, TODAY), assess_plan(EMPTY, TODAY)]))

    full, empty = records
    assert set(full) == {"name", "account_id", "overall_percent", "completeness", "findings"}
    assert full["name"] == "Acme Corp"
    assert full["account_id"] == 1
    assert full["overall_percent"] == 100
    assert full["findings"] == []
    assert full["completeness"][0] == {
        "element": "overview",
        "label": "Overview",
        "percent": 100,
        "missing": [],
    }
    assert [item["element"] for item in empty["completeness"]] == list(ELEMENTS)
    assert set(empty["findings"][0]) == {"check", "title", "detail", "fix", "element"}
    assert {finding["check"] for finding in empty["findings"]} == set(CHECKS)
    assert json.loads(health_as_json([])) == []


def _render(renderable: object, width: int) -> str:
    console = Console(width=width, no_color=True, force_terminal=False, record=True)
    console.print(renderable)
    return console.export_text()


def test_table_reads_without_colour() -> None:
    long_name = replace(EMPTY, name="A Company With A Very Long Name Indeed Holdings Inc.")
    healths = [assess_plan(FULL, TODAY), assess_plan(long_name, TODAY)]

    text = _render(health_as_table(healths, width=80), 80)
    lines = text.splitlines()

    assert lines[0].split() == [
        "Account",
        "Health",
        "Research",
        "People",
        "Updates",
        "Competition",
        "Findings",
    ]
    assert "100 %" in lines[1]
    assert lines[1].split()[-5:] == ["ok", "ok", "ok", "ok", "0"]
    assert lines[2].split()[-5:] == ["!", "!", "!", "!", str(len(healths[1].findings))]
    assert "1 %" in lines[2]
    assert all(len(line) <= 80 for line in lines)
    assert "…" in lines[2]
    assert "No accounts yet" in _render(health_as_table([], width=80), 80)


def test_detail_text() -> None:
    health = assess_plan(
        replace(FULL, competitors=0, filled=FULL.filled - {"next_best_alternative"}), TODAY
    )

    text = health_detail_text(health)

    assert text.splitlines()[0] == f"Acme Corp — plan {health.overall_percent} % complete"
    assert "[ok] Inadequate research" in text
    assert "[! ] Incomplete competitor analysis" in text
    assert "No competitor analysis: No competitor and no next best alternative" in text
    assert "Fix (Solution):" in text
    assert "missing: Next best alternative, Competitors" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    empty = health_detail_text(assess_plan(EMPTY, TODAY), width=60)
    assert all(len(line) <= 60 for line in empty.splitlines())
    assert "\n  Plan" + " " * 8 + "0 %  missing: Short-term strategy," in empty


def test_plan_health_without_elements() -> None:
    assert PlanHealth(1, "X", (), ()).overall_percent == 0
