"""Where the database is: resolving ``--db`` to a URL, without loading SQLAlchemy.

Kept apart from :mod:`acctmap_tui.data.db` so that start-up can name and locate
the database before the database stack is imported.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from acctmap_tui import paths
from acctmap_tui.settings import ENV_DB


def resolve_url(target: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for ``--db``, else ``ACCTMAP_DB``, else the default file.

    A value containing ``://`` is taken as a URL; anything else is a file path.
    """
    chosen = os.fspath(target) if target is not None else os.environ.get(ENV_DB, "").strip()
    if not chosen:
        chosen = os.fspath(paths.default_database_path())
    if "://" in chosen:
        return chosen
    path = Path(chosen).expanduser()
    return f"sqlite:///{path.absolute()}"


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (no driver options), else None."""
    scheme, separator, rest = url.partition(":///")
    if not separator or scheme.split("+")[0] != "sqlite" or "?" in rest or not rest:
        return None
    if rest == ":memory:":
        return None
    return Path("/" + rest.lstrip("/")) if rest.startswith("/") else Path(rest)


def display_name(url: str) -> str:
    """A short name for the header: the file name, or ``host/database`` for a server."""
    path = sqlite_file(url)
    if path is not None:
        return path.name
    if url.split(":", 1)[0].split("+")[0] == "sqlite":
        return "in-memory"
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}/{unquote(parts.path.lstrip('/'))}"


def shown_url(url: str) -> str:
    """The URL to print: a server URL's password replaced by ``***``.

    ``acctmap info`` and ``acctmap demo`` print where the data is; a team's URL may
    carry the server password, which does not belong on a screen or in a log.
    """
    if sqlite_file(url) is not None or "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user_info, _, host = parts.netloc.rpartition("@")
    user = user_info.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
