"""Real-terminal speed benchmark: acctmap beside VisiData, both in tmux panes.

Measures the issue's budgets the way a user meets them: the app runs in a tmux pane
of fixed size and the benchmark reads the pane's screen, so everything between a
key and the changed screen counts (terminal parsing, Textual's event loop, the
compositor, the bytes written). VisiData (a well-known terminal table viewer) opens
the same accounts, exported as CSV, in the same run, so the figures can be read as
ratios that hold on a noisy machine.

How it measures:

* A private tmux server (its own socket, no user config, status line off) is driven
  through one control-mode client, so a command such as ``capture-pane`` costs a
  pipe round trip instead of a process spawn. The screen is polled every
  ``--poll-ms`` (default 2 ms) until it shows the expected change.
* Launch: from just before ``new-session`` until the rank-1 account's row (its rank
  and name, taken from the CSV) is on screen. ``--runs`` launches of each app,
  interleaved, after one untimed warm-up launch of each.
* Keys: both apps stay open and idle; each sample sends one key with ``send-keys``
  and times until the screen shows that key's effect, found by reading the screen,
  not by a fixed wait: the cursor row (drawn in reverse video by both apps) moved
  down one account; after page down the account after the last one on screen is
  shown and the first one is gone; the filter's count changed; the rows on screen
  are in the new order. Samples alternate between the apps; the screen must be still
  for a while before each key.
* Floor: tmux and the polling add time of their own. The floor is the same
  measurement against ``cat`` in a pane (the terminal echoes the key at once), and
  is reported beside the medians; budgets in milliseconds are judged on the median
  minus the floor, comparisons with VisiData on the raw medians (same floor for both).
* Memory: peak resident set size (``VmHWM``) of each app's process after launch and
  every key test.

VisiData does the same keys where it has them: Down, PgDn, ``]``/``[`` on the rank
column and ``[`` on expected_value (typed as numbers first, untimed; rank and name
made key columns so they stay on screen, as acctmap keeps them). It has no
filter-as-you-type: the closest is ``g|`` (select the rows matching a regex in any
column), timed from its Enter to the selected count, and ``gu`` to unselect. VisiData
loads a CSV in the background and paints rows as they come; the "all accounts
counted" line shows when its status line reaches the full count.

    .venv/bin/python benchmarks/tui_speed.py [--runs 7] [--accounts 10000] [--size 120x40]

Needs tmux and VisiData (``.venv/bin/pip install -e '.[bench]'``). Writes
benchmarks/results/tui_speed.json.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().with_name("results")
SEED = 7
BIN = Path(sys.executable).parent

ACCTMAP = "acctmap"
VISIDATA = "VisiData"
APPS = (ACCTMAP, VISIDATA)

NAME_PREFIX = 15
"""Characters of an account's name that both apps show (VisiData cuts names at 18)."""

FILTER_CHARACTERS = "qzjxywbmdh"
"""Letters typed into the filter. In the 10,000-account demo each leaves some accounts
out (q leaves 641, h 9,732), so the count on screen changes; vowels match every one."""

ROW_START = re.compile(r"[^\w]*(\d+)\b")
SUMMARY = re.compile(r"([\d,]+)/([\d,]+) shown")
SELECTED = re.compile(r"•(\d+)")
ESCAPE = re.compile(r"\x1b(?:\[([0-9;:?]*)([A-Za-z])|\][^\x07\x1b]*(?:\x07|\x1b\\)|.)")


# --- budgets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    key: str
    label: str
    limit: float | None
    """Milliseconds (megabytes for memory), judged on acctmap's median minus the floor;
    ``None`` for a line reported for information only."""
    max_ratio: float | None = None
    """acctmap / VisiData on the raw medians, when the issue asks for a comparison."""
    uses_floor: bool = True
    styled: bool = False
    """Measured capturing with -e (the cursor is only visible as reverse video)."""


BUDGETS = (
    Budget("launch", "launch to first account row", 1000, max_ratio=2.0, uses_floor=False),
    Budget("launch_loaded", "  (all accounts counted)", None, uses_floor=False),
    Budget("down", "cursor down (one row)", 16, max_ratio=1.0, styled=True),
    Budget("page_down", "page down", 16, max_ratio=1.0),
    Budget("filter_narrow", "filter: type 1st character", 50),
    Budget("filter_clear", "filter: backspace to all", 50),
    Budget("sort_reverse", "sort: reverse rank (r)", 100),
    Budget("sort_expected", "sort: by Expected (picker)", 100),
    Budget("sort_rank", "sort: back to rank (picker)", 100),
    Budget("memory", "peak memory (MB)", 300, uses_floor=False),
)

VISIDATA_EQUIVALENT = {
    "launch": "vd -N accounts.csv",
    "launch_loaded": "acctmap: summary says 10,000/10,000; VisiData: status says 10000 rows",
    "down": "Down",
    "page_down": "PgDn",
    "filter_narrow": "g| (select rows matching a regex in any column): Enter to count",
    "filter_clear": "gu (unselect all rows): keys to count gone",
    "sort_reverse": "] / [ on the rank column (typed int)",
    "sort_expected": "[ on expected_value (typed float)",
    "sort_rank": "[ on the rank column",
    "memory": "VmHWM of the vd process",
}


# --- the accounts ------------------------------------------------------------------------


@dataclass
class Accounts:
    """The ranked accounts as the CSV export lists them: what the screens should show."""

    names: list[str]
    expected: list[Decimal]
    columns: list[str]

    def visible_ranks(self, lines: Sequence[str]) -> list[int]:
        """Ranks of the account rows on screen, top to bottom (rank and name both shown)."""
        ranks = []
        for line in lines:
            match = ROW_START.match(line)
            if match is None:
                continue
            rank = int(match.group(1))
            if 1 <= rank <= len(self.names) and self.names[rank - 1][:NAME_PREFIX] in line:
                ranks.append(rank)
        return ranks

    def name_column(self, line: str, rank: int) -> int:
        return line.find(self.names[rank - 1][:NAME_PREFIX])


def demo_database(accounts: int) -> Path:
    path = RESULTS / f"demo-{accounts}-seed{SEED}.db"
    if not path.exists():
        RESULTS.mkdir(parents=True, exist_ok=True)
        print(f"building {path.name} (once; cached) …", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "acctmap_tui",
                "demo",
                "--no-open",
                "--accounts",
                str(accounts),
                "--seed",
                str(SEED),
                "--db",
                str(path),
            ],
            check=True,
            cwd=ROOT,
        )
    return path


def export_csv(database: Path, accounts: int) -> tuple[Path, Accounts]:
    """Exported on every run: ranks depend on today's date, as in the app."""
    path = RESULTS / f"accounts-{accounts}-seed{SEED}.csv"
    result = subprocess.run(
        [sys.executable, "-m", "acctmap_tui", "accounts", "--format", "csv", "--db", str(database)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    path.write_text(result.stdout)
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        columns = list(reader.fieldnames or ())
    ranks = [int(row["rank"]) for row in rows]
    if ranks != list(range(1, len(rows) + 1)):
        raise SystemExit(f"{path}: the export is not in rank order 1..{len(rows)}")
    return path, Accounts(
        names=[row["name"] for row in rows],
        expected=[Decimal(row["expected_value"] or "0") for row in rows],
        columns=columns,
    )


# --- tmux --------------------------------------------------------------------------------


@dataclass
class Screen:
    lines: list[str]
    reverse: list[list[bool]] | None = None
    """Per character of each line: drawn in reverse video (captured with -e only)."""

    def reversed_at(self, row: int, column: int) -> bool:
        return bool(
            self.reverse and 0 <= column < len(self.reverse[row]) and self.reverse[row][column]
        )


def parse_styled(lines: Sequence[str]) -> Screen:
    """Plain text and the reverse-video flag per character of ``capture-pane -e`` output.

    tmux writes only the attribute changes, carried over from line to line, so the
    state is tracked across the whole capture.
    """
    reverse = False
    plain_lines, flags_lines = [], []
    for line in lines:
        text: list[str] = []
        flags: list[bool] = []
        position = 0
        for match in ESCAPE.finditer(line):
            chunk = line[position : match.start()]
            text.append(chunk)
            flags.extend([reverse] * len(chunk))
            position = match.end()
            if match.group(2) == "m":
                reverse = _sgr_reverse(match.group(1) or "", reverse)
        chunk = line[position:]
        text.append(chunk)
        flags.extend([reverse] * len(chunk))
        plain_lines.append("".join(text))
        flags_lines.append(flags)
    return Screen(plain_lines, flags_lines)


def _sgr_reverse(parameters: str, reverse: bool) -> bool:
    codes = parameters.split(";") if parameters else ["0"]
    index = 0
    while index < len(codes):
        code = codes[index].split(":")[0]
        if code in ("", "0"):
            reverse = False
        elif code == "7":
            reverse = True
        elif code == "27":
            reverse = False
        elif code in ("38", "48", "58") and ":" not in codes[index]:
            mode = codes[index + 1] if index + 1 < len(codes) else ""
            index += 2 if mode == "5" else 4 if mode == "2" else 0
        index += 1
    return reverse


def quote(word: str) -> str:
    if "'" in word:
        raise ValueError(f"cannot quote {word!r} for tmux")
    return f"'{word}'"


class Tmux:
    """A private tmux server, driven through one control-mode client (no process per call)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.socket = f"acctmap-bench-{os.getpid()}"
        self.env = {**os.environ, "LANG": "C.UTF-8"}
        self.env.pop("TMUX", None)
        self.base = ["tmux", "-u", "-L", self.socket, "-f", "/dev/null"]
        keeper = f"new-session -d -s keeper -x {width} -y {height}".split()
        subprocess.run([*self.base, *keeper, "sleep 86400"], check=True, env=self.env)
        for option in (
            ("status", "off"),
            ("escape-time", "0"),
            ("default-size", f"{width}x{height}"),
            ("history-limit", "0"),
            ("default-terminal", "xterm-256color"),
        ):
            subprocess.run([*self.base, "set-option", "-g", *option], check=True, env=self.env)
        self.client = subprocess.Popen(
            [*self.base, "-C", "attach-session", "-t", "keeper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self.env,
        )
        assert self.client.stdin is not None and self.client.stdout is not None
        self._in, self._out = self.client.stdin, self.client.stdout
        self._in.write(b"display-message -p acctmap-bench-sync\n")
        self._in.flush()
        while self._read_block() != ["acctmap-bench-sync"]:  # skip the attach's own reply
            pass
        self.socket_path = Path(self.command("display-message -p '#{socket_path}'")[0])

    def _read_block(self) -> list[str]:
        lines: list[str] = []
        inside = False
        while True:
            raw = self._out.readline()
            if not raw:
                raise RuntimeError("the tmux control client closed")
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if not inside:
                # Anything else is a notification; the attach's own reply has flags 0.
                inside = line.startswith("%begin ") and line.split()[-1] != "0"
                continue
            if line.startswith(("%end ", "%error ")):
                if line.startswith("%error "):
                    raise RuntimeError("tmux: " + " ".join(lines))
                return lines
            lines.append(line)

    def command(self, text: str) -> list[str]:
        self._in.write(text.encode() + b"\n")
        self._in.flush()
        return self._read_block()

    def new_session(self, name: str, command: str) -> tuple[str, int]:
        pane, pid, size = self.command(
            f"new-session -d -s {name} -x {self.width} -y {self.height} -c {quote(str(ROOT))} "
            f"-e TERM=xterm-256color -e LANG=C.UTF-8 "
            f"-P -F '#{{pane_id}} #{{pane_pid}} #{{pane_width}}x#{{pane_height}}' "
            f"{quote('exec ' + command)}"
        )[0].split()
        if size != f"{self.width}x{self.height}":
            raise RuntimeError(f"tmux made a {size} pane, not {self.width}x{self.height}")
        return pane, int(pid)

    def kill_session(self, name: str, pid: int) -> None:
        """Close the pane and wait for its process to be gone (SIGKILL after 5 s)."""
        self.command(f"kill-session -t {name}")
        deadline = time.monotonic() + 5
        killed = False
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
            if not killed and time.monotonic() > deadline - 0.1:
                os.kill(pid, signal.SIGKILL)
                killed, deadline = True, time.monotonic() + 5

    def send(self, pane: str, *keys: str) -> None:
        self.command(f"send-keys -t {pane} " + " ".join(quote(key) for key in keys))

    def capture(self, pane: str, styled: bool = False) -> Screen:
        if styled:
            return parse_styled(self.command(f"capture-pane -p -e -t {pane}"))
        return Screen(self.command(f"capture-pane -p -t {pane}"))

    def close(self) -> None:
        try:
            self._in.close()
            self.client.wait(timeout=5)
        finally:
            subprocess.run([*self.base, "kill-server"], env=self.env, capture_output=True)
            self.socket_path.unlink(missing_ok=True)


# --- measuring ---------------------------------------------------------------------------

Predicate = Callable[[Screen], bool]


@dataclass
class Pane:
    app: str
    session: str
    pane: str
    pid: int


@dataclass
class Bench:
    tmux: Tmux
    accounts: Accounts
    poll: float
    samples: dict[str, dict[str, list[float | None]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def wait_for(
        self,
        pane: str,
        predicate: Predicate,
        *,
        styled: bool = False,
        timeout: float = 5.0,
        started: float | None = None,
    ) -> float | None:
        """Seconds from ``started`` (default: now) until the screen satisfies ``predicate``."""
        started = time.perf_counter() if started is None else started
        while True:
            screen = self.tmux.capture(pane, styled)
            now = time.perf_counter()
            if predicate(screen):
                return now - started
            if now - started > timeout:
                return None
            time.sleep(self.poll)

    def key(
        self,
        pane: Pane,
        keys: Sequence[str],
        predicate: Predicate,
        *,
        styled: bool = False,
        timeout: float = 5.0,
    ) -> float | None:
        """Send keys to an idle app; seconds until the screen shows their effect."""
        started = time.perf_counter()
        self.tmux.send(pane.pane, *keys)
        elapsed = self.wait_for(
            pane.pane, predicate, styled=styled, timeout=timeout, started=started
        )
        if elapsed is None:
            self.notes.append(f"{pane.app}: timed out after {keys}")
        return elapsed

    def untimed(
        self,
        pane: Pane,
        keys: Sequence[str],
        predicate: Predicate | None = None,
        *,
        styled: bool = False,
    ) -> None:
        self.tmux.send(pane.pane, *keys)
        if (
            predicate is not None
            and self.wait_for(pane.pane, predicate, styled=styled, timeout=15) is None
        ):
            screen = "\n".join(self.tmux.capture(pane.pane).lines)
            raise RuntimeError(f"{pane.app}: no expected screen after {keys}:\n{screen}")
        self.settle(pane)

    def settle(self, pane: Pane, quiet: float = 0.25, timeout: float = 10.0) -> None:
        """Wait until the screen has not changed for ``quiet`` seconds (then a little more)."""
        started = last_change = time.monotonic()
        last = self.tmux.capture(pane.pane).lines
        while time.monotonic() - last_change < quiet and time.monotonic() - started < timeout:
            time.sleep(0.02)
            lines = self.tmux.capture(pane.pane).lines
            if lines != last:
                last, last_change = lines, time.monotonic()
        time.sleep(0.05)

    def record(self, test: str, app: str, value: float | None) -> None:
        self.samples.setdefault(test, {}).setdefault(app, []).append(value)

    # --- the screens the tests wait for -------------------------------------------------

    def shows_rank(self, rank: int) -> Predicate:
        return lambda screen: rank in self.accounts.visible_ranks(screen.lines)

    def cursor_rank(self, screen: Screen) -> int | None:
        """The account whose name is drawn in reverse video (both apps' cursor row)."""
        for row, line in enumerate(screen.lines):
            for rank in self.accounts.visible_ranks([line]):
                if screen.reversed_at(row, self.accounts.name_column(line, rank)):
                    return rank
        return None

    def ordered(
        self,
        before: list[int],
        key: Callable[[int], object],
        *,
        descending: bool = False,
        strict: bool = False,
    ) -> Predicate:
        """The rows on screen changed and are in this order (at least five of them)."""

        def check(screen: Screen) -> bool:
            ranks = self.accounts.visible_ranks(screen.lines)
            if len(ranks) < 5 or ranks == before:
                return False
            values = [key(rank) for rank in ranks]
            pairs = zip(values, values[1:], strict=False)
            if descending:
                return all(a > b if strict else a >= b for a, b in pairs)  # type: ignore[operator]
            return all(a < b if strict else a <= b for a, b in pairs)  # type: ignore[operator]

        return check


def acctmap_count(screen: Screen) -> int | None:
    for line in screen.lines:
        match = SUMMARY.search(line)
        if match:
            return int(match.group(1).replace(",", ""))
    return None


def visidata_selected(screen: Screen) -> int:
    status = next((line for line in reversed(screen.lines) if line.strip()), "")
    match = SELECTED.search(status)
    return int(match.group(1)) if match else 0


def peak_rss_mb(pid: int) -> float:
    """VmHWM of the process and its descendants (the app runs as the pane's process)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) if match else 0
        pending += [int(child) for child in children]
    return total / 1024


# --- the tests ---------------------------------------------------------------------------


def measure_launches(bench: Bench, commands: dict[str, str], runs: int) -> None:
    first = bench.shows_rank(1)
    total = len(bench.accounts.names)

    def everything(app: str) -> Predicate:
        """Every account loaded: acctmap's summary line, VisiData's row count."""
        if app == ACCTMAP:
            return lambda screen: acctmap_count(screen) == total
        return lambda screen: any(f"{total} rows" in line for line in screen.lines[-2:])

    def one(app: str, label: str) -> tuple[float | None, float | None]:
        started = time.perf_counter()
        pane, pid = bench.tmux.new_session(label, commands[app])
        elapsed = bench.wait_for(pane, first, timeout=30, started=started)
        loaded = bench.wait_for(pane, everything(app), timeout=30, started=started)
        bench.tmux.kill_session(label, pid)
        if elapsed is None:
            bench.notes.append(f"{app}: launch {label} never showed the rank-1 account")
        return elapsed, loaded

    for app in APPS:  # warm the file cache and bytecode caches; not recorded
        one(app, f"warm-{app.lower()}")
    for run in range(runs):
        for app in APPS if run % 2 == 0 else APPS[::-1]:
            elapsed, loaded = one(app, f"launch-{app.lower()}-{run}")
            bench.record("launch", app, elapsed)
            bench.record("launch_loaded", app, loaded)


def open_for_keys(bench: Bench, app: str, command: str) -> Pane:
    pane, pid = bench.tmux.new_session(f"keys-{app.lower()}", command)
    if bench.wait_for(pane, bench.shows_rank(1), timeout=30) is None:
        raise RuntimeError(f"{app} did not show the accounts")
    opened = Pane(app, f"keys-{app.lower()}", pane, pid)
    bench.settle(opened, quiet=1.0)
    return opened


def prepare_visidata(bench: Bench, vd: Pane) -> None:
    """Pin rank and name as key columns (as acctmap pins them) and type the rank column."""
    bench.untimed(vd, ["!", "l", "!", "g", "h", "#"])


def test_down(bench: Bench, pane: Pane) -> float | None:
    screen = bench.tmux.capture(pane.pane, styled=True)
    start = bench.cursor_rank(screen)
    if start is None:
        raise RuntimeError(f"{pane.app}: no cursor row (reverse video) on screen")
    elapsed = bench.key(pane, ["Down"], lambda s: bench.cursor_rank(s) == start + 1, styled=True)
    bench.untimed(pane, ["Up"], lambda s: bench.cursor_rank(s) == start, styled=True)
    return elapsed


def test_page_down(bench: Bench, pane: Pane) -> float | None:
    ranks = bench.accounts.visible_ranks(bench.tmux.capture(pane.pane).lines)
    first, after = ranks[0], ranks[-1] + 1

    def paged(screen: Screen) -> bool:
        shown = bench.accounts.visible_ranks(screen.lines)
        return after in shown and first not in shown

    elapsed = bench.key(pane, ["NPage"], paged)
    bench.settle(pane)
    return elapsed


def test_filter(bench: Bench, pane: Pane, character: str) -> tuple[float | None, float | None]:
    """One letter into an empty filter (acctmap) or select-by-regex (VisiData), then back."""
    total = len(bench.accounts.names)
    if pane.app == ACCTMAP:
        narrow = bench.key(pane, [character], lambda s: acctmap_count(s) not in (None, total))
        bench.settle(pane)
        back, everything = ["BSpace"], lambda s: acctmap_count(s) == total
    else:
        bench.untimed(
            pane,
            ["g", "|", character],
            lambda s: any(f"regex: {character}" in line for line in s.lines),
        )
        narrow = bench.key(pane, ["Enter"], lambda s: visidata_selected(s) > 0)
        bench.settle(pane)
        back, everything = ["g", "u"], lambda s: visidata_selected(s) == 0
    if narrow is None:  # nothing changed on screen, so going back shows no change either
        bench.untimed(pane, back, everything)
        return None, None
    clear = bench.key(pane, back, everything)
    bench.settle(pane)
    return narrow, clear


def test_reverse(bench: Bench, pane: Pane, descending: bool) -> float | None:
    before = bench.accounts.visible_ranks(bench.tmux.capture(pane.pane).lines)
    keys = ["r"] if pane.app == ACCTMAP else ["]" if descending else "["]
    elapsed = bench.key(pane, keys, bench.ordered(before, int, descending=descending, strict=True))
    bench.settle(pane)
    return elapsed


def test_sort_column(bench: Bench, pane: Pane, to_expected: bool) -> float | None:
    accounts = bench.accounts
    if pane.app == ACCTMAP:
        from acctmap_tui.domain.account_map import COLUMNS

        keys = [column.key for column in COLUMNS]
        wanted = keys.index("expected_value" if to_expected else "rank")
        bench.untimed(pane, ["s"], lambda s: any("Sort by" in line for line in s.lines))
        bench.untimed(pane, ["Home", *["Down"] * wanted])
        final = ["Enter"]
        closed: Predicate = lambda s: not any("Sort by" in line for line in s.lines)  # noqa: E731
    else:
        moves = ["g", "h"]
        if to_expected:
            moves += ["l"] * accounts.columns.index("expected_value")
        bench.untimed(pane, moves)
        if to_expected:
            bench.untimed(pane, ["%"])  # a float column, so it sorts by number
        final = ["["]
        closed = lambda s: True  # noqa: E731
    before = accounts.visible_ranks(bench.tmux.capture(pane.pane).lines)
    if to_expected:
        order = bench.ordered(before, lambda rank: accounts.expected[rank - 1])
    else:
        order = bench.ordered(before, int, strict=True)
    elapsed = bench.key(pane, final, lambda s: closed(s) and order(s))
    bench.settle(pane)
    return elapsed


def measure_keys(bench: Bench, panes: dict[str, Pane], runs: int) -> None:
    def each_app(run: int) -> tuple[Pane, ...]:
        return tuple(panes[app] for app in (APPS if run % 2 == 0 else APPS[::-1]))

    for run in range(runs):
        for pane in each_app(run):
            bench.record("down", pane.app, test_down(bench, pane))

    for pane in panes.values():  # acctmap's first page down only moves the cursor down
        bench.untimed(pane, ["NPage"])
    for run in range(runs):
        for pane in each_app(run):
            bench.record("page_down", pane.app, test_page_down(bench, pane))
    for pane in panes.values():  # VisiData reads Home only as xterm's \eOH; tmux sends \e[1~
        bench.untimed(pane, ["Home"] if pane.app == ACCTMAP else ["g", "k"], bench.shows_rank(1))

    bench.untimed(panes[ACCTMAP], ["/"])
    for run in range(runs):
        character = FILTER_CHARACTERS[run % len(FILTER_CHARACTERS)]
        for pane in each_app(run):
            narrow, clear = test_filter(bench, pane, character)
            bench.record("filter_narrow", pane.app, narrow)
            bench.record("filter_clear", pane.app, clear)
    bench.untimed(panes[ACCTMAP], ["Enter"])  # back to the table

    for run in range(2 * runs):
        for pane in each_app(run):
            bench.record("sort_reverse", pane.app, test_reverse(bench, pane, run % 2 == 0))

    for run in range(runs):
        for pane in each_app(run):
            bench.record("sort_expected", pane.app, test_sort_column(bench, pane, True))
            bench.record("sort_rank", pane.app, test_sort_column(bench, pane, False))


@dataclass
class Overheads:
    """What tmux and the polling cost by themselves, so the key figures can be read."""

    floor_plain: list[float] = field(default_factory=list)
    """Seconds from send-keys to the echoed key on screen, ``cat`` in the pane."""
    floor_styled: list[float] = field(default_factory=list)
    """The same, capturing with -e (as the cursor test does, to see reverse video)."""
    capture_ms: float = 0.0
    capture_e_ms: float = 0.0
    capture_spawned_ms: float = 0.0

    def floor_ms(self, styled: bool) -> float:
        return 1000 * statistics.median(self.floor_styled if styled else self.floor_plain)


def measure_floor(bench: Bench, overheads: Overheads, samples: int) -> None:
    """The key loop against ``cat``: the terminal echoes the key, no app in between."""
    pane, pid = bench.tmux.new_session("floor", "cat")
    echo = Pane("cat", "floor", pane, pid)
    bench.settle(echo)
    for index in range(2 * samples):
        styled = index % 2 == 1
        if index % 80 == 79:
            bench.untimed(echo, ["Enter"])
        count = "".join(bench.tmux.capture(pane).lines).count("x")
        elapsed = bench.key(
            echo, ["x"], lambda s, n=count: "".join(s.lines).count("x") > n, styled=styled
        )
        if elapsed is not None:
            (overheads.floor_styled if styled else overheads.floor_plain).append(elapsed)
        time.sleep(0.02)
    bench.tmux.kill_session("floor", pid)


def measure_capture_costs(bench: Bench, overheads: Overheads, pane: Pane) -> None:
    for styled in (False, True):
        times = []
        for _ in range(100):
            started = time.perf_counter()
            bench.tmux.capture(pane.pane, styled)
            times.append(time.perf_counter() - started)
        cost = 1000 * statistics.median(times)
        if styled:
            overheads.capture_e_ms = cost
        else:
            overheads.capture_ms = cost
    times = []
    for _ in range(20):
        started = time.perf_counter()
        subprocess.run(
            [*bench.tmux.base, "capture-pane", "-p", "-t", pane.pane],
            capture_output=True,
            env=bench.tmux.env,
            check=True,
        )
        times.append(time.perf_counter() - started)
    overheads.capture_spawned_ms = 1000 * statistics.median(times)


def app_fingerprint() -> dict[str, object]:
    """Which code was measured: the commit, and a digest of the working tree's app files."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "acctmap_tui").rglob("*")):
        if path.suffix in (".py", ".tcss") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    status = subprocess.run(
        [*git, "status", "--porcelain", "--", "acctmap_tui"], capture_output=True, text=True
    )
    return {
        "commit": head.stdout.strip(),
        "uncommitted_app_files": len(status.stdout.splitlines()),
        "app_files_sha256": digest.hexdigest()[:16],
    }


# --- the report --------------------------------------------------------------------------


def median_ms(values: Sequence[float | None]) -> float | None:
    done = [value for value in values if value is not None]
    return 1000 * statistics.median(done) if done else None


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def judge(budget: Budget, ours: float | None, theirs: float | None, net: float | None) -> str:
    if budget.limit is None:
        return "(information)"
    if ours is None:
        return "FAIL (no result)"
    failures = []
    if (net if budget.uses_floor else ours) > budget.limit:  # type: ignore[operator]
        failures.append("budget")
    if budget.max_ratio is not None and theirs and ours / theirs > budget.max_ratio:
        failures.append("vs VisiData")
    return "FAIL (" + ", ".join(failures) + ")" if failures else "PASS"


def report(
    bench: Bench, options: argparse.Namespace, overheads: Overheads, memory: dict[str, float]
) -> dict[str, dict[str, object]]:
    header = (
        f"{'measurement':<29} {'acctmap':>8} {'VisiData':>8} {'ratio':>6} "
        f"{'acctmap-fl':>10} {'vd-fl':>7}  {'budget':<19} verdict"
    )
    lines = [header, "-" * (len(header) + 12)]
    table: dict[str, dict[str, object]] = {}
    for budget in BUDGETS:
        runs = bench.samples.get(budget.key, {})
        if budget.key == "memory":
            ours, theirs = memory[ACCTMAP], memory[VISIDATA]
        else:
            ours, theirs = median_ms(runs.get(ACCTMAP, [])), median_ms(runs.get(VISIDATA, []))
        floor = overheads.floor_ms(budget.styled) if budget.uses_floor else None
        ours_net = None if ours is None or floor is None else ours - floor
        theirs_net = None if theirs is None or floor is None else theirs - floor
        ratio = ours / theirs if ours and theirs else None
        unit = "MB" if budget.key == "memory" else "ms"
        limit = "" if budget.limit is None else f"≤{budget.limit:g} {unit}"
        if budget.max_ratio is not None:
            limit += f", ≤{budget.max_ratio:g}x vd"
        verdict = judge(budget, ours, theirs, ours_net)
        timeouts = sum(value is None for value in runs.get(ACCTMAP, []))
        if timeouts:
            verdict += f", {timeouts} of acctmap's runs timed out"
        lines.append(
            f"{budget.label:<29} {number(ours):>8} {number(theirs):>8} "
            f"{'—' if ratio is None else f'{ratio:.2f}x':>6} {number(ours_net):>10} "
            f"{number(theirs_net):>7}  {limit:<19} {verdict}"
        )
        table[budget.key] = {
            "label": budget.label,
            "unit": unit,
            "acctmap": ours,
            "visidata": theirs,
            "ratio": ratio,
            "floor": floor,
            "acctmap_minus_floor": ours_net,
            "visidata_minus_floor": theirs_net,
            "budget": limit,
            "verdict": verdict,
            "visidata_equivalent": VISIDATA_EQUIVALENT[budget.key],
            "samples_ms": {
                app: [None if value is None else round(1000 * value, 3) for value in values]
                for app, values in runs.items()
            },
        }
    print()
    print(
        f"acctmap vs VisiData, {options.accounts:,} accounts, {options.size} tmux pane, "
        f"median of {options.runs} runs; ms (memory: MB); ratio = acctmap / VisiData"
    )
    print("\n".join(lines))
    print(
        f"floor (send-keys to the key on screen with `cat` in the pane): "
        f"{overheads.floor_ms(False):.2f} ms ({overheads.floor_ms(True):.2f} ms capturing "
        "with -e, for the cursor test); subtracted in the -fl columns"
    )
    print(
        f"resolution: a poll every {options.poll_ms:g} ms plus one capture-pane through the "
        f"control client ({overheads.capture_ms:.2f} ms, {overheads.capture_e_ms:.2f} ms with "
        f"-e; a tmux process per capture would cost {overheads.capture_spawned_ms:.2f} ms)"
    )
    for note in bench.notes:
        print("note:", note)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--size", default="120x40", help="terminal columns x lines")
    parser.add_argument("--poll-ms", type=float, default=2.0, help="pause between captures")
    options = parser.parse_args()
    width, height = (int(part) for part in options.size.lower().split("x"))

    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed: apt-get install tmux (or brew install tmux)")
    vd = BIN / "vd"
    if not vd.exists():
        raise SystemExit(
            f"VisiData is needed beside acctmap: {BIN / 'pip'} install -e '.[bench]' "
            "(or: pip install 'visidata>=3.0')"
        )
    acctmap = BIN / "acctmap"
    acctmap_command = str(acctmap) if acctmap.exists() else f"{sys.executable} -m acctmap_tui"

    database = demo_database(options.accounts)
    csv_path, accounts = export_csv(database, options.accounts)
    commands = {
        ACCTMAP: f"{acctmap_command} --db {database}",
        VISIDATA: f"{vd} -N {csv_path}",
    }
    fingerprint = app_fingerprint()
    tmux = Tmux(width, height)
    bench = Bench(tmux, accounts, poll=options.poll_ms / 1000)
    overheads = Overheads()
    try:
        print(f"launching each app {options.runs} times …", flush=True)
        measure_launches(bench, commands, options.runs)
        print("keys …", flush=True)
        panes = {app: open_for_keys(bench, app, commands[app]) for app in APPS}
        prepare_visidata(bench, panes[VISIDATA])
        measure_capture_costs(bench, overheads, panes[ACCTMAP])
        measure_floor(bench, overheads, max(20, 2 * options.runs))
        measure_keys(bench, panes, options.runs)
        measure_floor(bench, overheads, max(20, 2 * options.runs))
        memory = {app: round(peak_rss_mb(pane.pid), 1) for app, pane in panes.items()}
        for pane in panes.values():
            tmux.kill_session(pane.session, pane.pid)
    finally:
        tmux.close()

    table = report(bench, options, overheads, memory)
    print(
        f"app code: commit {fingerprint['commit']}, {fingerprint['uncommitted_app_files']} "
        f"uncommitted files under acctmap_tui/, digest {fingerprint['app_files_sha256']}"
    )
    tmux_version = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout
    result = {
        "command": " ".join([sys.executable, *sys.argv]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "tmux": tmux_version.strip(),
        },
        "options": vars(options),
        "app_code": fingerprint,
        "commands": commands,
        "overheads": {
            "floor_ms": overheads.floor_ms(False),
            "floor_with_e_ms": overheads.floor_ms(True),
            "capture_ms": overheads.capture_ms,
            "capture_e_ms": overheads.capture_e_ms,
            "capture_spawned_process_ms": overheads.capture_spawned_ms,
        },
        "results": table,
        "notes": bench.notes,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tui_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {(RESULTS / 'tui_speed.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
