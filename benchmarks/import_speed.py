"""Speed and peak memory of ``acctmap import accounts|contacts`` on large CSV files.

The budgets: 10,000 accounts and 100,000 contacts (with reports-to resolution) each
import in 10 s or less, with a peak of 500 MB or less. Two files are generated
(deterministic, seed 7) in a temporary folder:

* ``accounts.csv``: 10,000 accounts in Salesforce's columns (Id, Account Name, Annual
  Revenue, NumberOfEmployees, Billing*, Industry, Website, Account Owner, Stage,
  Probability (%), Amount, and an unknown Rating column kept as extra data);
* ``contacts.csv``: 100,000 contacts, ten per account, in an org chart with
  "Reports To" by name; rows are shuffled within each account, so about half of the
  reports come before their manager.

Each run is a fresh subprocess (``python -c``) that runs the CLI on a fresh database
(for contacts: a copy of one with the accounts imported) and reports its wall time
and its peak resident memory (``resource.getrusage``); the figures are medians of
``--runs``. ``command_s`` is the whole process (interpreter start and imports
included); ``import_s`` is the import command alone.

    .venv/bin/python benchmarks/import_speed.py [--runs 3]

Writes benchmarks/results/import_speed.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().with_name("results")
ACCOUNTS = 10_000
CONTACTS_PER_ACCOUNT = 10
BUDGET_SECONDS = 10.0
BUDGET_MB = 500.0

RUNNER = """
import json, resource, sys, time
started = time.perf_counter()
from acctmap_tui.cli import app
db, kind, path = sys.argv[1:4]
try:
    app(["--db", db, "import", kind, path], standalone_mode=False)
except SystemExit as exit:
    if exit.code:
        raise
elapsed = time.perf_counter() - started
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"import_s": elapsed, "peak_mb": peak_kb / 1024}))
"""

STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote",
          "Negotiation/Review", "Closed Won", "Closed Lost")  # fmt: skip
INDUSTRIES = ("Logistics", "Healthcare", "Retail", "Energy", "Banking", "Manufacturing")
CITIES = (("Chicago", "IL", "USA"), ("Austin", "TX", "USA"), ("Berlin", "BE", "Germany"),
          ("Lyon", "ARA", "France"), ("Toronto", "ON", "Canada"))  # fmt: skip
OWNERS = ("Susan Park", "Raj Patel", "Mia Chen", "Tom Berg")
FIRST = ("Ann", "Bob", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena")
LAST = ("Lee", "Roy", "Stone", "Ng", "Ortiz", "Berg", "Kaur", "Moss", "Vega", "Hale", "Wu")
TITLES = ("CEO", "CFO", "COO", "CTO", "VP Sales", "VP Operations", "IT Director",
          "Head of Procurement", "Finance Manager", "Engineer")  # fmt: skip


def account_name(index: int) -> str:
    return f"Company {index:05d} Holdings"


def write_accounts(path: Path, rng: random.Random) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Id",
                "Account Name",
                "Annual Revenue",
                "NumberOfEmployees",
                "BillingCity",
                "BillingState",
                "BillingCountry",
                "Industry",
                "Website",
                "Account Owner",
                "Stage",
                "Probability (%)",
                "Amount",
                "Rating",
            ]  # fmt: skip
        )
        for index in range(ACCOUNTS):
            city, state, country = rng.choice(CITIES)
            writer.writerow(
                [
                    f"001A{index:012d}",
                    account_name(index),
                    f"{rng.randrange(1, 5000) * 100_000:,}",
                    rng.randrange(50, 80_000),
                    city,
                    state,
                    country,
                    rng.choice(INDUSTRIES),
                    f"company{index:05d}.example.com",
                    rng.choice(OWNERS),
                    rng.choice(STAGES),
                    rng.choice((10, 20, 40, 60, 75, 90)),
                    rng.randrange(10, 900) * 1_000,
                    rng.choice(("Hot", "Warm", "Cold", "")),
                ]
            )


def write_contacts(path: Path, rng: random.Random) -> int:
    """Ten people per account in a tree; returns how many rows come before their manager."""
    early = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Id",
                "FirstName",
                "LastName",
                "Title",
                "Department",
                "Email",
                "Phone",
                "Account Name",
                "Reports To",
            ]  # fmt: skip
        )
        serial = 0
        for index in range(ACCOUNTS):
            names = rng.sample(
                [f"{f} {last}" for f in FIRST for last in LAST], CONTACTS_PER_ACCOUNT
            )
            managers = [None] + [names[rng.randrange(0, max(1, i // 2 + 1))] for i in range(1, 10)]
            order = list(range(CONTACTS_PER_ACCOUNT))
            rng.shuffle(order)
            position = {person: place for place, person in enumerate(order)}
            for person in order:
                serial += 1
                first, last = names[person].split(" ")
                manager = managers[person]
                if manager is not None and position[names.index(manager)] > position[person]:
                    early += 1
                writer.writerow(
                    [
                        f"003C{serial:012d}",
                        first,
                        last,
                        TITLES[person],
                        "Operations",
                        f"{first}.{last}.{serial}@company{index:05d}.example.com".lower(),
                        f"+1 312 555 {serial % 10_000:04d}",
                        account_name(index),
                        manager or "",
                    ]
                )
    return early


def run_once(db: Path, kind: str, csv_path: Path) -> dict[str, float]:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER, str(db), kind, str(csv_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "ACCTMAP_USER": "benchmark"},
    )
    elapsed = time.perf_counter() - started
    if completed.returncode:
        sys.exit(f"{kind} import failed:\n{completed.stdout}\n{completed.stderr}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return {"command_s": elapsed, **figures}


def summarise(samples: list[dict[str, float]]) -> dict[str, Any]:
    keys = ("command_s", "import_s", "peak_mb")
    median = {key: round(statistics.median(s[key] for s in samples), 3) for key in keys}
    return {
        "median": median,
        "runs": [{key: round(s[key], 3) for key in keys} for s in samples],
        "within_budget": median["command_s"] <= BUDGET_SECONDS and median["peak_mb"] <= BUDGET_MB,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (default 3)")
    options = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        accounts_csv, contacts_csv = folder / "accounts.csv", folder / "contacts.csv"
        write_accounts(accounts_csv, rng)
        early = write_contacts(contacts_csv, rng)
        account_runs = []
        for run in range(options.runs):
            db = folder / f"accounts-{run}.db"
            account_runs.append(run_once(db, "accounts", accounts_csv))
        base = folder / "base.db"
        run_once(base, "accounts", accounts_csv)
        contact_runs = []
        for run in range(options.runs):
            db = folder / f"contacts-{run}.db"
            shutil.copyfile(base, db)
            contact_runs.append(run_once(db, "contacts", contacts_csv))
        sizes = {
            "accounts_csv_bytes": accounts_csv.stat().st_size,
            "contacts_csv_bytes": contacts_csv.stat().st_size,
        }
    total_contacts = ACCOUNTS * CONTACTS_PER_ACCOUNT
    report = {
        "command": f"{sys.executable} benchmarks/import_speed.py --runs {options.runs}",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": len(os.sched_getaffinity(0)),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "budget": {"seconds": BUDGET_SECONDS, "peak_mb": BUDGET_MB},
        "files": {
            "accounts": ACCOUNTS,
            "contacts": total_contacts,
            "contacts_before_their_manager": early,
            **sizes,
        },
        "results": {
            "import_accounts": summarise(account_runs),
            "import_contacts": summarise(contact_runs),
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "import_speed.json").write_text(json.dumps(report, indent=2) + "\n")
    for name, result in report["results"].items():
        median = result["median"]
        verdict = "within budget" if result["within_budget"] else "OVER BUDGET"
        print(
            f"{name:>16}: median {median['command_s']:6.2f} s (import {median['import_s']:.2f} s), "
            f"peak {median['peak_mb']:6.1f} MB over {options.runs} runs: {verdict}"
        )


if __name__ == "__main__":
    main()
