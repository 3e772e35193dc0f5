"""INSERT ... ON CONFLICT in the database's own dialect (SQLite and PostgreSQL both have it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite


def insert_for(connection: Connection, table: Any) -> Any:
    """An `insert()` with `on_conflict_do_nothing` / `on_conflict_do_update` for this database."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
