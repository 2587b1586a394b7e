"""The calendar day of a stored UTC timestamp, in SQL that SQLite and PostgreSQL both run."""

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class utc_day(FunctionElement):
    """The UTC date of a timestamp column, comparable with a Date column."""

    type = sa.Date()
    inherit_cache = True


@compiles(utc_day)
def _cast(element, compiler, **kw) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(utc_day, "sqlite")
def _sqlite(element, compiler, **kw) -> str:
    # SQLite would give CAST(... AS DATE) numeric affinity (the year); date() gives the day.
    return f"date({compiler.process(element.clauses, **kw)})"
