"""Launch-to-first-paint benchmark: how long until the account list is on screen.

Builds demo databases of 25 and 10,000 accounts (cached beside the results), then
launches the app headless in a fresh Python process for each run, so imports,
migrations check, the query and the first paint all count. The time runs from just
before the process is spawned until the first screen refresh after the account
table has its rows. Reports the median over the runs, and the ratio against a bare
Textual app launched the same way in the same run.

    python benchmarks/launch.py [--runs 7] [--sizes 25,10000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).with_name("results")

APP_PROBE = """
import asyncio, sys, time
from acctmap_tui.app import make_app
from acctmap_tui.data.db import open_database
from acctmap_tui.settings import Settings

async def main() -> None:
    app = make_app(open_database(sys.argv[1]), Settings(user="bench"))
    async with app.run_test(headless=True, size=(80, 24)) as pilot:
        while True:
            tables = app.query("#account-table")
            if tables and tables.first().row_count:
                break
            await asyncio.sleep(0.002)
        await pilot.pause()  # the refresh that paints the rows
        print(f"PAINTED {time.time():.6f}", flush=True)

asyncio.run(main())
"""

BARE_PROBE = """
import asyncio, time
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

async def main() -> None:
    async with Bare().run_test(headless=True, size=(80, 24)) as pilot:
        await pilot.pause()
        print(f"PAINTED {time.time():.6f}", flush=True)

asyncio.run(main())
"""


def _time_probe(code: str, *arguments: str) -> float:
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments], capture_output=True, text=True, check=True
    )
    marker = next(line for line in result.stdout.splitlines() if line.startswith("PAINTED "))
    return float(marker.split()[1]) - started


def _demo_database(accounts: int) -> Path:
    path = RESULTS / f"demo-{accounts}.db"
    if not path.exists():
        RESULTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "acctmap_tui",
                "demo",
                "--no-open",
                "--accounts",
                str(accounts),
                "--db",
                str(path),
            ],
            check=True,
        )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="25,10000")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    databases = {size: _demo_database(size) for size in sizes}

    _time_probe(BARE_PROBE)  # warm the file cache before measuring anything
    samples: dict[str, list[float]] = {"bare textual app": []}
    samples.update({f"acctmap, {size} accounts": [] for size in sizes})
    for _ in range(options.runs):  # interleaved, so machine noise hits every case alike
        samples["bare textual app"].append(_time_probe(BARE_PROBE))
        for size in sizes:
            samples[f"acctmap, {size} accounts"].append(
                _time_probe(APP_PROBE, str(databases[size]))
            )

    reference = statistics.median(samples["bare textual app"])
    report = {}
    print(f"launch to first painted account list, median of {options.runs} runs")
    for name, values in samples.items():
        median = statistics.median(values)
        report[name] = {"median_s": round(median, 4), "runs": [round(v, 4) for v in values]}
        print(f"  {name:<26} {median * 1000:8.0f} ms   {median / reference:5.2f}x bare app")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "launch.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
