"""Live refresh between two app processes: propagation latency and idle CPU.

Issue 7's speed budget: "With two app processes on a 10,000-account database: a change
made in one appears in the other in 1 s or less at the 95th percentile; an idle app
uses less than 2% of one CPU core."

How it measures:

* The 10,000-account demo database (seed 7, built once and cached under
  benchmarks/results/) is copied to a temporary file with SQLite's online backup, so
  the shared file is never changed. Two real app processes (``acctmap --db COPY``)
  run in two 120x40 panes of a private tmux server (its own socket, no user config),
  each with its own ``ACCTMAP_USER`` and with cache and data folders in the temporary
  directory.
* Latency: the writer is a third process, this benchmark, writing as any other
  acctmap process does: ``account_store.update_account`` renames one of the accounts
  on the first page (ranks 3 to 6 in turn) to a new unique name, then commits. The
  clock starts just after the commit returns; each pane is read with
  ``capture-pane -p`` every ``--poll-ms`` (default 5 ms) until the new name is on it,
  and the latency of each pane is one sample. One untimed rename first proves both
  apps are watching. Before each rename both screens must be unchanged for 0.3 s and
  at least ``--gap`` seconds (default 1 s) must have passed since the previous change
  showed. A name not shown after 10 s is a failed sample; the pane is saved in the
  JSON and the run goes on. The p95 is the nearest-rank 95th percentile over all
  samples of both panes, a timed-out sample counting as infinite.
* Floor: what the measurement itself costs. A third pane runs ``cat``; text sent with
  ``tmux send-keys`` is timed until it shows, with the same polling (clock started
  just before ``send-keys``). One floor sample per run, interleaved with the renames.
* CPU per change: each app's utime+stime (/proc/PID/stat) from just before the first
  timed rename to the start of the settle period below, divided by the renames: what
  one change costs an app (the waits in between are idle and add little).
* Idle CPU: after the renames the apps are left alone for ``--settle`` seconds
  (default 15: an app keeps working for several seconds after the changed name is
  painted, reading key contacts and plan facts), then for ``--idle-seconds`` (default
  30) nothing is touched and nothing reads the panes; each app process's utime+stime
  before and after gives its CPU as a percentage of one core. The ``cat`` pane and the
  tmux server are read over the same interval as references (the tmux server's CPU is
  what the apps' screen output costs the terminal).

    .venv/bin/python benchmarks/live_refresh_speed.py [--runs 30] [--idle-seconds 30]

Needs tmux. Writes benchmarks/results/live_refresh.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().with_name("results")
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402
from tui_speed import SEED, demo_database  # noqa: E402  (beside this file)

from acctmap_tui.data.account_store import update_account  # noqa: E402
from acctmap_tui.data.db import copy_sqlite, open_database  # noqa: E402
from acctmap_tui.data.models import Account  # noqa: E402

ACCOUNTS = 10_000
WIDTH, HEIGHT = 120, 40
LATENCY_BUDGET_MS = 1000.0
IDLE_BUDGET_PERCENT = 2.0
TIMEOUT_S = 10.0
LAUNCH_TIMEOUT_S = 60.0
STILL_S = 0.3
TARGET_RANKS = (3, 4, 5, 6)
"""Accounts renamed in turn: on the first page, and their rank does not depend on name."""


def ranked_names(database: Path, top: int) -> list[str]:
    """Names of the first ``top`` accounts in rank order, as the Accounts tab shows them."""
    result = subprocess.run(
        [sys.executable, "-m", "acctmap_tui", "accounts", "--format", "csv"]
        + ["--top", str(top), "--db", str(database)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return [row["name"] for row in csv.DictReader(io.StringIO(result.stdout))]


# --- tmux ----------------------------------------------------------------------------------


class Tmux:
    """A private tmux server; one ``tmux`` process per command (a few ms each)."""

    def __init__(self, workdir: Path) -> None:
        self.base = ["tmux", "-u", "-L", f"acctmap-live-{os.getpid()}", "-f", "/dev/null"]
        self.env = {**os.environ, "LANG": "C.UTF-8"}
        self.env.pop("TMUX", None)
        self.workdir = workdir
        self.started = False

    def run(self, *args: str) -> str:
        result = subprocess.run(
            [*self.base, *args], env=self.env, capture_output=True, text=True, check=True
        )
        return result.stdout

    def new_session(self, name: str, command: str, *env: str) -> int:
        """Start ``command`` in a new detached pane; the pid of the process it runs."""
        options = [f"-e{item}" for item in ("TERM=xterm-256color", "LANG=C.UTF-8", *env)]
        self.run(
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(WIDTH),
            "-y",
            str(HEIGHT),
            "-c",
            str(ROOT),
            *options,
            command,
        )
        if not self.started:
            self.started = True
            self.run("set-option", "-g", "status", "off")
            self.run("set-option", "-g", "history-limit", "0")
        return app_pid(int(self.run("display", "-p", "-t", name, "#{pane_pid}")))

    def server_pid(self) -> int:
        return int(self.run("display", "-p", "#{pid}"))

    def capture(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name)

    def send_literal(self, name: str, text: str) -> None:
        self.run("send-keys", "-t", name, "-l", text)

    def kill_server(self) -> None:
        if self.started:
            subprocess.run([*self.base, "kill-server"], env=self.env, capture_output=True)


def app_pid(pane_pid: int) -> int:
    """The pane's process, or its python child when the pane runs a shell wrapper."""
    comm = Path(f"/proc/{pane_pid}/comm").read_text().strip()
    if comm not in ("sh", "bash", "dash"):
        return pane_pid
    for _ in range(100):
        children = Path(f"/proc/{pane_pid}/task/{pane_pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    return pane_pid


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Bench:
    tmux: Tmux
    poll: float

    def wait_for(
        self, panes: list[str], text: str, started: float, timeout: float
    ) -> dict[str, float | None]:
        """Seconds from ``started`` until ``text`` is on each pane (``None``: not shown)."""
        seen: dict[str, float | None] = {}
        while True:
            for pane in panes:
                if pane not in seen and text in self.tmux.capture(pane):
                    seen[pane] = time.perf_counter() - started
            if len(seen) == len(panes):
                return seen
            if time.perf_counter() - started > timeout:
                return {pane: seen.get(pane) for pane in panes}
            time.sleep(self.poll)

    def wait_still(self, panes: list[str], timeout: float = 10.0) -> None:
        """Until no pane has changed for ``STILL_S``."""
        deadline = time.monotonic() + timeout
        last = [self.tmux.capture(pane) for pane in panes]
        since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.02)
            now = [self.tmux.capture(pane) for pane in panes]
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= STILL_S:
                return


def rename(database_path: Path, account_id: int, name: str) -> float:
    """Commit a new name through the store, as another acctmap process would.

    Returns ``perf_counter()`` just after the commit.
    """
    database = open_database(database_path)
    try:
        with database.session() as session:
            account = session.get(Account, account_id)
            assert account is not None
            update_account(
                account_id,
                {"name": name},
                expected_version=account.version,
                session=session,
                user="bench",
            )
            session.commit()
            return time.perf_counter()
    finally:
        database.close()


def nearest_rank(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(values: list[float | None]) -> dict[str, object]:
    shown = [value for value in values if value is not None]
    everything = [math.inf if value is None else value for value in values]
    return {
        "samples": len(values),
        "timeouts": len(values) - len(shown),
        "median_ms": round(statistics.median(everything) * 1000, 1) if values else None,
        "p95_ms": round(nearest_rank(everything, 0.95) * 1000, 1) if values else None,
        "max_ms": round(max(everything) * 1000, 1) if values else None,
        "min_ms": round(min(shown) * 1000, 1) if shown else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=30, help="renames timed (default 30)")
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--poll-ms", type=float, default=5.0)
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between samples")
    parser.add_argument(
        "--settle", type=float, default=15.0, help="seconds after the last change before idle"
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("needs tmux")

    source = demo_database(ACCOUNTS)  # the same cached file as tui_speed.py's
    workdir = Path(tempfile.mkdtemp(prefix="acctmap-live-"))
    copy = workdir / source.name
    copy_sqlite(source, copy)
    names = ranked_names(copy, max(TARGET_RANKS))
    database = open_database(copy)
    try:
        with database.session() as session:
            ids = {}
            for rank in TARGET_RANKS:
                statement = select(Account.id).where(Account.name == names[rank - 1])
                ids[rank] = session.exec(statement).one()
    finally:
        database.close()

    tmux = Tmux(workdir)
    bench = Bench(tmux, args.poll_ms / 1000)
    apps = ["app-a", "app-b"]
    pids: dict[str, int] = {}
    latency: dict[str, list[float | None]] = {app: [] for app in apps}
    floor: list[float | None] = []
    failures: list[dict[str, object]] = []
    idle: dict[str, dict[str, float]] = {}
    per_change: dict[str, float] = {}
    try:
        folders = (f"XDG_CACHE_HOME={workdir / 'cache'}", f"XDG_DATA_HOME={workdir / 'data'}")
        app_command = f"{ROOT / '.venv/bin/acctmap'} --db {copy}"
        for app in apps:
            pids[app] = tmux.new_session(app, app_command, f"ACCTMAP_USER={app}", *folders)
        pids["cat"] = tmux.new_session("cat", "cat")
        started = time.perf_counter()
        shown = bench.wait_for(apps, names[0], started, LAUNCH_TIMEOUT_S)
        if None in shown.values():
            raise SystemExit("an app never showed its rows:\n" + tmux.capture(apps[0]))
        launch = max(value for value in shown.values() if value is not None)
        print(f"both apps show rows after {launch:.1f} s", flush=True)

        # Untimed: proves both apps' watchers are running before anything is timed.
        warm_name = "Live bench warm-up"
        bench.wait_still(apps)
        time.sleep(args.gap)
        warm = bench.wait_for(apps, warm_name, rename(copy, ids[TARGET_RANKS[0]], warm_name), 30)
        if None in warm.values():
            raise SystemExit("the warm-up rename never showed:\n" + tmux.capture(apps[0]))

        apps_cpu_before = {app: cpu_seconds(pids[app]) for app in apps}
        for run in range(args.runs):
            bench.wait_still([*apps, "cat"])
            time.sleep(args.gap)
            token = f"floor-{run:03d}"
            sent = time.perf_counter()
            tmux.send_literal("cat", token)
            floor.append(bench.wait_for(["cat"], token, sent, TIMEOUT_S)["cat"])
            tmux.send_literal("cat", "\n")

            bench.wait_still(apps)
            time.sleep(args.gap)
            rank = TARGET_RANKS[run % len(TARGET_RANKS)]
            new_name = f"Live bench {run:03d}"
            committed = rename(copy, ids[rank], new_name)
            seen = bench.wait_for(apps, new_name, committed, TIMEOUT_S)
            for app in apps:
                latency[app].append(seen[app])
                if seen[app] is None:
                    failures.append(
                        {"run": run, "app": app, "name": new_name, "screen": tmux.capture(app)}
                    )
                    print(f"run {run}: {app} did not show {new_name!r} within {TIMEOUT_S:.0f} s")
                    print(tmux.capture(app))
            shown_ms = ", ".join(
                "timeout" if value is None else f"{value * 1000:.0f}" for value in seen.values()
            )
            print(f"run {run + 1}/{args.runs}: rank {rank} renamed; ms {shown_ms}", flush=True)

        bench.wait_still([*apps, "cat"])
        per_change = {
            app: round((cpu_seconds(pids[app]) - apps_cpu_before[app]) / max(1, args.runs), 3)
            for app in apps
        }
        print(f"settling {args.settle:.0f} s, then idle for {args.idle_seconds:.0f} s …")
        time.sleep(args.settle)
        measured = {**pids, "tmux server": tmux.server_pid()}
        before = {name: cpu_seconds(pid) for name, pid in measured.items()}
        start = time.monotonic()
        time.sleep(args.idle_seconds)
        after = {name: cpu_seconds(pid) for name, pid in measured.items()}
        wall = time.monotonic() - start
        for name in measured:
            used = after[name] - before[name]
            idle[name] = {
                "cpu_seconds": round(used, 3),
                "wall_seconds": round(wall, 2),
                "percent_of_core": round(100 * used / wall, 2),
            }
    finally:
        tmux.kill_server()
        shutil.rmtree(workdir, ignore_errors=True)

    every = [value for app in apps for value in latency[app]]
    overall = summary(every)
    p95 = overall["p95_ms"]
    latency_pass = isinstance(p95, float) and p95 <= LATENCY_BUDGET_MS
    idle_pass = all(idle[app]["percent_of_core"] < IDLE_BUDGET_PERCENT for app in apps)
    result = {
        "benchmark": "live_refresh",
        "issue": 7,
        "accounts": ACCOUNTS,
        "seed": SEED,
        "size": f"{WIDTH}x{HEIGHT}",
        "runs": args.runs,
        "poll_ms": args.poll_ms,
        "gap_s": args.gap,
        "idle_seconds": args.idle_seconds,
        "settle_s": args.settle,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "loadavg_at_end": [round(value, 2) for value in os.getloadavg()],
        },
        "latency": {
            "all": overall,
            **{app: summary(latency[app]) for app in apps},
            "floor": summary(floor),
            "budget_p95_ms": LATENCY_BUDGET_MS,
            "pass": latency_pass,
            "samples_ms": {
                app: [None if v is None else round(v * 1000, 1) for v in latency[app]]
                for app in apps
            },
            "floor_samples_ms": [None if v is None else round(v * 1000, 1) for v in floor],
        },
        "cpu_seconds_per_change": per_change,
        "idle_cpu": {**idle, "budget_percent": IDLE_BUDGET_PERCENT, "pass": idle_pass},
        "failures": failures,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "live_refresh.json"
    out.write_text(json.dumps(result, indent=2) + "\n")

    def row(label: str, stats: dict[str, object], budget: str, verdict: str) -> str:
        return (
            f"| {label} | {stats['median_ms']} | {stats['p95_ms']} | {stats['max_ms']} "
            f"| {stats['timeouts']}/{stats['samples']} | {budget} | {verdict} |"
        )

    print()
    print("| change shown in the other app | median ms | p95 ms | max ms | timeouts | budget | |")
    print("|---|---:|---:|---:|---:|---|---|")
    verdict = "PASS" if latency_pass else "FAIL"
    print(row("both apps", overall, "p95 ≤ 1000 ms", verdict))
    for app in apps:
        print(row(f"  {app}", summary(latency[app]), "", ""))
    print(row("floor (`cat` echo)", summary(floor), "", "reference"))
    print()
    print(f"| idle {args.idle_seconds:.0f} s | CPU s | % of one core | budget | |")
    print("|---|---:|---:|---|---|")
    for name, figures in idle.items():
        is_app = name in apps
        budget = f"< {IDLE_BUDGET_PERCENT:g}%" if is_app else ""
        mark = (
            ("PASS" if figures["percent_of_core"] < IDLE_BUDGET_PERCENT else "FAIL")
            if is_app
            else "reference"
        )
        print(
            f"| {name} | {figures['cpu_seconds']} | {figures['percent_of_core']} "
            f"| {budget} | {mark} |"
        )
    print()
    cost = ", ".join(f"{app} {seconds:.2f} s" for app, seconds in per_change.items())
    print(f"CPU per change (re-read and repaint): {cost}")
    print(f"load average at end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; wrote {out}")


if __name__ == "__main__":
    main()
