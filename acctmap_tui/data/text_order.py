"""Names listed in the same order on SQLite and on PostgreSQL.

SQLite compares text byte by byte (its BINARY collation): in UTF-8 that is code
point order, "Zoe" before "ana". A PostgreSQL database sorts by its locale, which
the server's owner chose: under en_US "ana" comes first and "de Vries" sorts as
"devries". The same team data would then be listed differently by the two engines
(pickers, the People table, exports). ``by_code_point(column)`` asks PostgreSQL for
its "C" collation, which is byte order too, so both agree whatever the server's locale.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String


class by_code_point(FunctionElement[str]):  # noqa: N801 - reads as a SQL function
    """``ORDER BY by_code_point(Contact.name)``: the column, compared by code point."""

    type = String()
    inherit_cache = True
    name = "by_code_point"


@compiles(by_code_point)
def _binary(element: by_code_point, compiler: SQLCompiler, **kw: Any) -> str:
    """SQLite (and any other engine): its default comparison is already byte order."""
    return compiler.process(element.clauses, **kw)


@compiles(by_code_point, "postgresql")
def _c_collation(element: by_code_point, compiler: SQLCompiler, **kw: Any) -> str:
    return f'{compiler.process(element.clauses, **kw)} COLLATE "C"'
