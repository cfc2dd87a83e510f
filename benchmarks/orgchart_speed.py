"""Org chart speed: the pure layout, and one arrow key on the chart until it is repainted.

Budgets (from the org chart issue):

* layout of a 1,000-contact org ≤ 100 ms median, of a 30-contact org ≤ 5 ms. The orgs
  come from ``acctmap_tui.orgchart.sample.sample_org``: a few roots, about six levels,
  spans of 3 to 12, a third of managers leading only individual contributors, some
  vacant seats and dotted lines. Timed: ``layout_org(people, options)``, text included.
* one arrow key to repaint ≤ 16 ms. Timed: the widget's own cost of a key, measured in a
  headless app (``App.run_test``, 120x40) on the 1,000-contact chart: ``action_move``
  (the pure ``move``, the reactive's watcher, scrolling the box into view) plus
  ``render_lines`` over the whole widget, which is what the compositor asks of it after
  the refresh (Textual's styles cache calling ``render_line`` for each row on screen).
  The compositor and the terminal write are not in it (``benchmarks/tui_speed.py``
  measures a real terminal). The keys are a fixed pseudo-random walk of
  up/down/left/right, so some moves scroll far and some do not.

    .venv/bin/python benchmarks/orgchart_speed.py [--runs 15] [--keys 200]

Writes benchmarks/results/orgchart_speed.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from acctmap_tui.orgchart import OrgChartOptions, layout_org
from acctmap_tui.orgchart.sample import sample_org

RESULTS = Path(__file__).resolve().with_name("results")
BUDGETS_MS = {"layout_1000": 100.0, "layout_30": 5.0, "arrow_key_repaint": 16.0}


Samples = tuple[list[float], list[float]]
"""Wall-clock and CPU milliseconds of each run."""


def _time_ms(call: Callable[[], object], runs: int) -> Samples:
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def _layout_samples(size: int, roots: int, runs: int) -> Samples:
    people = sample_org(size, roots=roots)
    options = OrgChartOptions(highlight=frozenset({"c1", "c5", "c40"}))
    layout_org(people, options)  # warm-up: first call pays for imports and caches
    return _time_ms(lambda: layout_org(people, options), runs)


async def _key_samples(keys: int) -> Samples:
    from textual.app import App, ComposeResult

    from acctmap_tui.widgets.org_chart import OrgChart

    class ChartApp(App[None]):
        def compose(self) -> ComposeResult:
            yield OrgChart(sample_org(1000), id="org-chart")

    walk = random.Random(11)
    wall: list[float] = []
    cpu: list[float] = []
    app = ChartApp()
    async with app.run_test(headless=True, size=(120, 40)) as pilot:
        await pilot.pause()
        chart = app.query_one(OrgChart)
        window = chart.size.region
        for _ in range(keys):
            direction = walk.choice(("down", "down", "right", "right", "left", "up"))
            started, started_cpu = time.perf_counter(), time.process_time()
            chart.action_move(direction)
            chart.render_lines(window)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
            await pilot.pause()  # let the real refresh happen between samples
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed layouts of each org")
    parser.add_argument("--keys", type=int, default=200, help="timed arrow keys")
    options = parser.parse_args()

    samples = {
        "layout_1000": _layout_samples(1000, roots=3, runs=options.runs),
        "layout_30": _layout_samples(30, roots=2, runs=options.runs),
        "arrow_key_repaint": asyncio.run(_key_samples(options.keys)),
    }
    labels = {
        "layout_1000": "layout, 1,000 contacts",
        "layout_30": "layout, 30 contacts",
        "arrow_key_repaint": "arrow key: move + visible strips (120x40)",
    }
    report = {}
    print("org chart speed: wall-clock median and 95th percentile (budget on the median),")
    print("and the median CPU time of this process (close to wall-clock on an idle machine)")
    for name, (values, cpu) in samples.items():
        median = statistics.median(values)
        p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else median
        cpu_median = statistics.median(cpu)
        budget = BUDGETS_MS[name]
        verdict = "ok" if median <= budget else "OVER"
        report[name] = {
            "median_ms": round(median, 3),
            "p95_ms": round(p95, 3),
            "cpu_median_ms": round(cpu_median, 3),
            "budget_ms": budget,
            "within_budget": median <= budget,
            "samples": len(values),
        }
        print(
            f"  {labels[name]:<42} {median:7.2f} ms  p95 {p95:7.2f} ms  cpu {cpu_median:7.2f} ms"
            f"  budget {budget:4.0f} ms  {verdict}"
        )
    report["machine"] = {"cpus": os.cpu_count(), "load_average": list(os.getloadavg())}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "orgchart_speed.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
