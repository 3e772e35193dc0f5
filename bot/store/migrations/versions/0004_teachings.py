"""Teaching the bot: questions a maintainer labelled with a section or marked not covered.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teachings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team", sa.String(32), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("question", sa.String(1000), nullable=False),
        sa.Column("section", sa.String(100), nullable=True),
        sa.Column("note", sa.String(300), nullable=True),
        sa.Column("written_at", sa.Float, nullable=True),
    )
    op.create_index("ix_teachings_team", "teachings", ["team"])
    op.create_index("ix_teachings_created_at", "teachings", ["created_at"])
    op.create_index("ix_teachings_written_at", "teachings", ["written_at"])


def downgrade() -> None:
    op.drop_table("teachings")
