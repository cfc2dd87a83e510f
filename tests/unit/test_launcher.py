"""The console entry point: a plain launch skips the CLI parser, anything else uses it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from acctmap_tui.launcher import plain_launch


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (None, None, False)),
        (["--db", "team.db"], ("team.db", None, False)),
        (["--db=team.db", "--user", "raj", "--ascii"], ("team.db", "raj", True)),
        (["--user=raj"], (None, "raj", False)),
    ],
)
def test_plain_launches_are_recognised(args: list[str], expected: tuple) -> None:
    assert plain_launch(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["accounts"],
        ["--help"],
        ["--version"],
        ["--db"],
        ["--db", "--ascii"],
        ["--db", "a.db", "--db", "b.db"],
        ["--ascii", "--ascii"],
        ["--db", "a.db", "info"],
        ["-x"],
    ],
)
def test_anything_else_goes_to_the_full_parser(args: list[str]) -> None:
    assert plain_launch(args) is None


def _acctmap(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from acctmap_tui.launcher import main; sys.argv[0] = 'acctmap'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )


def test_a_plain_launch_on_a_broken_database_fails_in_one_line(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database\n" * 100)
    result = _acctmap("--db", str(text_file))
    assert result.returncode == 1
    assert result.stderr.startswith("acctmap: ") and len(result.stderr.splitlines()) == 1
    assert text_file.read_text() == "not a database\n" * 100


def test_commands_still_reach_the_cli(tmp_path: Path) -> None:
    result = _acctmap("--version")
    assert result.returncode == 0 and result.stdout.startswith("acctmap ")
    result = _acctmap("info", "--db", str(tmp_path / "new.db"))
    assert result.returncode == 0, result.stderr
