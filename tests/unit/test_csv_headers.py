"""Header mapping: CRM exports, the seed template, our own exports, and --map overrides."""

from __future__ import annotations

import pytest

from acctmap_tui.interchange.account_map import RECORD_FIELDS
from acctmap_tui.interchange.csv_headers import (
    ColumnRole,
    HeaderMapError,
    ImportKind,
    map_headers,
    normalise_header,
    parse_map_options,
)
from acctmap_tui.interchange.markdown import MAP_TEMPLATE_COLUMNS

ACCOUNTS = ImportKind.ACCOUNTS
CONTACTS = ImportKind.CONTACTS


def fields_of(headers: list[str], kind: ImportKind, **overrides: str) -> dict[str, str | None]:
    mapping = map_headers(
        headers, kind, parse_map_options([f"{h}={f}" for h, f in overrides.items()], kind)
    )
    return {
        c.header: c.field if c.role is ColumnRole.FIELD else c.role.value for c in mapping.columns
    }


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("Account Name", "accountname"),
        ("  ACCOUNT-NAME ", "accountname"),
        ("account_name", "accountname"),
        ("Probability (%)", "probability"),
        ("Country/Region", "countryregion"),
        ("\ufeffId", "id"),
        ("Tier__c", "tier"),
    ],
)
def test_headers_compare_without_case_or_punctuation(header: str, normalised: str) -> None:
    assert normalise_header(header) == normalised


def test_salesforce_accounts() -> None:
    headers = [
        "Id", "Account Name", "Annual Revenue", "NumberOfEmployees", "BillingCity",
        "BillingState", "BillingCountry", "Industry", "Website", "Account Owner", "Stage",
        "Probability (%)", "Amount", "Description", "Rating", "Type",
    ]  # fmt: skip
    assert fields_of(headers, ACCOUNTS) == {
        "Id": "source_id",
        "Account Name": "name",
        "Annual Revenue": "annual_revenue",
        "NumberOfEmployees": "employees",
        "BillingCity": "hq_city",
        "BillingState": "hq_region",
        "BillingCountry": "hq_country",
        "Industry": "industry",
        "Website": "website",
        "Account Owner": "owner",
        "Stage": "stage",
        "Probability (%)": "win_probability",
        "Amount": "revenue_potential",
        "Description": "notes",
        "Rating": "extra",
        "Type": "extra",  # Customer - Direct / Partner: not our target type, kept
    }


def test_salesforce_contacts() -> None:
    headers = [
        "Id", "FirstName", "LastName", "Title", "Department", "Email", "Phone", "AccountId",
        "Account Name", "ReportsToId", "Reports To", "LeadSource",
    ]  # fmt: skip
    assert fields_of(headers, CONTACTS) == {
        "Id": "source_id",
        "FirstName": "first_name",
        "LastName": "last_name",
        "Title": "title",
        "Department": "department",
        "Email": "email",
        "Phone": "phone",
        "AccountId": "account_source_id",
        "Account Name": "account",
        "ReportsToId": "reports_to_source_id",
        "Reports To": "reports_to",
        "LeadSource": "extra",
    }


def test_hubspot_companies_and_contacts() -> None:
    companies = [
        "Record ID", "Company name", "Annual Revenue", "Number of Employees", "City",
        "State/Region", "Country/Region", "Lifecycle Stage", "Company owner",
        "Company Domain Name",
    ]  # fmt: skip
    assert fields_of(companies, ACCOUNTS) == {
        "Record ID": "source_id",
        "Company name": "name",
        "Annual Revenue": "annual_revenue",
        "Number of Employees": "employees",
        "City": "hq_city",
        "State/Region": "hq_region",
        "Country/Region": "hq_country",
        "Lifecycle Stage": "stage",
        "Company owner": "owner",
        "Company Domain Name": "website",
    }
    contacts = ["First Name", "Last Name", "Job Title", "Associated Company", "Email",
                "Lifecycle Stage", "Contact owner"]  # fmt: skip
    assert fields_of(contacts, CONTACTS) == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Job Title": "title",
        "Associated Company": "account",
        "Email": "email",
        "Lifecycle Stage": "extra",  # a contact has no stage: kept
        "Contact owner": "relationship_owner",
    }


def test_the_seed_templates_columns_as_export_map_writes_them() -> None:
    assert fields_of(list(MAP_TEMPLATE_COLUMNS), ACCOUNTS) == {
        "Account Name": "name",
        "Key Contacts": "key_contacts",
        "Revenue Potential": "revenue_potential",
        "Win Probability": "win_probability",
        "Current Status": "stage",
        "Ideal First Meeting": "ideal_first_meeting",
        "Value Proposition": "value_proposition",
        "Strategy": "strategy",
        "Actions": "next_action",
        "Owner": "owner",
    }


def test_the_account_maps_own_columns() -> None:
    headers = [
        "Account", "Key contacts", "Revenue potential", "Win probability", "Expected value",
        "Tier", "Stage", "Ideal first meeting", "Value proposition", "Strategy",
        "Next action", "Owner", "Last reviewed",
    ]  # fmt: skip
    mapped = fields_of(headers, ACCOUNTS)
    assert mapped["Account"] == "name"
    assert mapped["Next action"] == "next_action"
    assert mapped["Last reviewed"] == "last_reviewed_at"
    assert mapped["Expected value"] == mapped["Tier"] == "computed"
    assert "extra" not in mapped.values()


def test_accounts_format_csv_record_fields() -> None:
    mapped = fields_of(list(RECORD_FIELDS), ACCOUNTS)
    computed = {h for h, f in mapped.items() if f == "computed"}
    assert computed == {
        "rank", "expected_value", "fit_score", "priority_score", "tier", "overdue_actions",
        "stale",
    }  # fmt: skip
    assert mapped["name"] == "name"
    assert mapped["target_type"] == "target_type"
    assert mapped["next_action_due"] == "next_action_due"
    assert mapped["last_reviewed"] == "last_reviewed_at"
    assert "extra" not in mapped.values()


def test_map_overrides_read_keys_or_labels_extra_and_ignore() -> None:
    mapped = fields_of(
        ["Account Name", "Type", "Rating", "Industry"],
        ACCOUNTS,
        Type="target type",
        Rating="ignore",
        Industry="extra",
    )
    assert mapped == {
        "Account Name": "name",
        "Type": "target_type",
        "Rating": "ignored",
        "Industry": "extra",
    }


def test_an_override_wins_over_a_recognised_header_for_the_same_field() -> None:
    mapping = map_headers(
        ["Account Name", "Legal Name"],
        ACCOUNTS,
        parse_map_options(["legal name=name"], ACCOUNTS),
    )
    assert mapping.fields == {"name": 1}
    first = mapping.columns[0]
    assert first.role is ColumnRole.EXTRA
    assert "'Legal Name' already fills name" in first.note


def test_two_columns_for_one_field_keep_the_first_and_the_other_as_extra() -> None:
    mapping = map_headers(["Phone", "Company", "Phone Number"], CONTACTS)
    assert mapping.fields["phone"] == 0
    assert mapping.unknown_headers == ("Phone Number",)


def test_bad_map_options() -> None:
    with pytest.raises(HeaderMapError, match='not "Header=field"'):
        parse_map_options(["Type"], ACCOUNTS)
    with pytest.raises(HeaderMapError, match="'colour' is not a field of accounts; expected"):
        parse_map_options(["Type=colour"], ACCOUNTS)
    with pytest.raises(HeaderMapError, match="the file has no column 'nope'"):
        map_headers(["Account Name"], ACCOUNTS, parse_map_options(["Nope=notes"], ACCOUNTS))


def test_what_a_file_lacks() -> None:
    assert map_headers(["Industry"], ACCOUNTS).missing() == [
        "no account name column (e.g. Account Name, Company name)"
    ]
    assert map_headers(["First Name", "Last Name", "Associated Company"], CONTACTS).missing() == []
    problems = map_headers(["Email"], CONTACTS).missing()
    assert len(problems) == 2
