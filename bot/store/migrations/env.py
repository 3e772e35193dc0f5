"""Alembic environment: migrations run on the connection `bot.store.migrate` hands over.

There is no alembic.ini: `tpm-bot db upgrade` (and the start-up of `serve` and `socket`) build
the configuration in code, take the migration lock, then run these migrations on one
connection.
"""

from __future__ import annotations

from alembic import context

from bot.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
