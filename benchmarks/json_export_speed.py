"""Speed and peak memory of ``acctmap export json`` (and ``import json``) at 10,000 accounts.

Budget (the product issue): a JSON export of a 10,000-account / ~86,000-contact
database in 5 s or less, with peak memory at most 500 MB. Each run is a fresh
process, so peak memory (``ru_maxrss`` from ``os.wait4``, i.e. ``getrusage`` of that
child) is the run's own. CPU seconds are reported beside wall time, as wall time on
a shared, loaded machine says more about the neighbours than about the export:

* ``export``: ``write_json_dump`` timed inside the child (interpreter start-up and
  imports excluded), writing to a file;
* ``export_cli``: ``python -m acctmap_tui export json -o FILE`` end to end, wall time
  and CPU time measured by this script (start-up, imports and opening the database
  included);
* ``import``: ``load_json_dump`` of that export into a new database, timed inside the
  child (not budgeted; reported for information).

The database (``benchmarks/results/demo-10000-seed7.db``) is copied to a temporary
folder first, so the original is never opened for writing.

    .venv/bin/python benchmarks/json_export_speed.py [--runs 3]

Writes benchmarks/results/json_export_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().with_name("results")
SOURCE = RESULTS / "demo-10000-seed7.db"
BUDGET_SECONDS = 5.0
BUDGET_MB = 500.0

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from acctmap_tui.data.db import open_database
    mode, database_path, file = sys.argv[2], sys.argv[3], Path(sys.argv[4])
    database = open_database(database_path)
    started = time.perf_counter()
    cpu = time.process_time()
    if mode == "export":
        from acctmap_tui.interchange.json_dump import write_json_dump
        with file.open("w", encoding="utf-8") as handle:
            summary = write_json_dump(database, handle)
        rows = sum(summary.rows.values())
    else:
        from acctmap_tui.interchange.json_load import load_json_dump
        rows = sum(load_json_dump(database, file).rows.values())
    print(json.dumps({
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "rows": rows,
    }))
    database.close()
    """
)


def _run(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds and peak resident MB of the child, and its output."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    assert child.stdout is not None
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{' '.join(command)} failed ({child.returncode})")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def _summary(samples: list[dict[str, float]]) -> dict[str, Any]:
    keys = samples[0].keys()
    return {
        **{f"median_{key}": round(statistics.median(s[key] for s in samples), 3) for key in keys},
        "runs": [{key: round(value, 3) for key, value in s.items()} for s in samples],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    options = parser.parse_args()
    if not SOURCE.exists():
        sys.exit(f"{SOURCE} is missing: make it with `acctmap demo` at 10,000 accounts, seed 7")
    results: dict[str, list[dict[str, float]]] = {"export": [], "export_cli": [], "import": []}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        copy = folder / SOURCE.name
        for suffix in ("", "-wal"):
            if Path(f"{SOURCE}{suffix}").exists():
                shutil.copyfile(f"{SOURCE}{suffix}", f"{copy}{suffix}")
        export = folder / "export.json"
        child = [sys.executable, "-c", CHILD, str(ROOT)]
        for run in range(options.runs):
            _, _, peak, output = _run([*child, "export", str(copy), str(export)])
            results["export"].append({**json.loads(output), "peak_mb": peak})
            cli_file = folder / "cli.json"
            wall, cpu, peak, _ = _run(
                [
                    sys.executable,
                    "-m",
                    "acctmap_tui",
                    "export",
                    "json",
                    "--db",
                    str(copy),
                    "-o",
                    str(cli_file),
                ]
            )
            results["export_cli"].append({"seconds": wall, "cpu_seconds": cpu, "peak_mb": peak})
            if cli_file.read_bytes() != export.read_bytes():
                sys.exit("the CLI export differs from the in-process export")
            target = folder / f"imported-{run}.db"
            _, _, peak, output = _run([*child, "import", str(target), str(export)])
            results["import"].append({**json.loads(output), "peak_mb": peak})
        export_bytes = export.stat().st_size
    summary = {name: _summary(samples) for name, samples in results.items()}
    report = {
        "command": f"{sys.executable} benchmarks/json_export_speed.py --runs {options.runs}",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": len(os.sched_getaffinity(0)),
            "load_average_1m": os.getloadavg()[0],
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "database": {"file": SOURCE.name, "export_bytes": export_bytes},
        "budget": {"seconds": BUDGET_SECONDS, "peak_mb": BUDGET_MB},
        "results": summary,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "json_export_speed.json").write_text(json.dumps(report, indent=2) + "\n")
    for name, result in summary.items():
        seconds, peak = result["median_seconds"], result["median_peak_mb"]
        cpu = result.get("median_cpu_seconds")
        cpu_text = f", cpu {cpu:6.2f} s" if cpu is not None else ""
        verdict = ""
        if name.startswith("export"):
            ok = seconds <= BUDGET_SECONDS and peak <= BUDGET_MB
            verdict = "  within budget" if ok else "  OVER BUDGET"
        print(f"{name:>10}: median {seconds:6.2f} s{cpu_text}, peak {peak:6.1f} MB{verdict}")


if __name__ == "__main__":
    main()
