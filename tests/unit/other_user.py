"""Running a check as another Unix user, so permission tests mean something as root.

Root passes every permission check, so a suite run as root (containers, CI) would
prove nothing by ``chmod``-ing a file. There, the check runs in a forked child that
has become ``nobody``; run as anyone else, it runs in-process and the ``chmod`` bites.
The child cannot import from a home folder it has no access to, so callers run the
same code once beforehand (as themselves) to load what it needs.
"""

from __future__ import annotations

import os
import pickle
import pwd
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

IS_ROOT = os.geteuid() == 0


def other_user() -> pwd.struct_passwd:
    """Who the check runs as: ``nobody`` under root, else the current user."""
    return pwd.getpwnam("nobody") if IS_ROOT else pwd.getpwuid(os.geteuid())


def run_as_other_user(check: Callable[[], T]) -> T:
    """``check()``, run as a user the test's chmod applies to; its result or its error."""
    if not IS_ROOT:
        return check()
    user = other_user()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(reader)
        try:
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
            outcome: tuple[bool, object] = (True, check())
        except BaseException as error:  # noqa: BLE001 - handed to the parent as it is
            outcome = (False, error)
        try:
            payload = pickle.dumps(outcome)
        except Exception as error:  # noqa: BLE001
            payload = pickle.dumps((False, RuntimeError(repr(error))))
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(payload)
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        payload = pipe.read()
    os.waitpid(pid, 0)
    ok, value = pickle.loads(payload)
    if not ok:
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[return-value]


@contextmanager
def reachable_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder the other user can reach (pytest's own tmp folders are root-only)."""
    if not IS_ROOT:
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="acctmap-perm-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
