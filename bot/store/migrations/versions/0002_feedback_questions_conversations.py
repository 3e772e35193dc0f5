"""Feedback votes, questions (for knowledge gaps), conversation state and the store's secrets.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_secrets",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team", sa.String(32), nullable=False),
        sa.Column("asked_at", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("section", sa.String(100), nullable=True),
        sa.Column("terms", sa.String(500), nullable=True),
        sa.Column("text", sa.String(1000), nullable=True),
    )
    op.create_index("ix_questions_team", "questions", ["team"])
    op.create_index("ix_questions_asked_at", "questions", ["asked_at"])
    op.create_table(
        "feedback_votes",
        sa.Column("answer", sa.String(120), primary_key=True),
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column("team", sa.String(32), nullable=False),
        sa.Column("section", sa.String(100), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("helpful", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(300), nullable=True),
        sa.Column("voted_at", sa.Float, nullable=False),
    )
    op.create_index("ix_feedback_votes_team", "feedback_votes", ["team"])
    op.create_index("ix_feedback_votes_voted_at", "feedback_votes", ["voted_at"])
    op.create_table(
        "conversations",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("team", sa.String(32), nullable=False),
        sa.Column("sections", sa.String(1000), nullable=False),
        sa.Column("answered_at", sa.Float, nullable=False),
    )
    op.create_index("ix_conversations_team", "conversations", ["team"])
    op.create_index("ix_conversations_answered_at", "conversations", ["answered_at"])


def downgrade() -> None:
    for table in ("conversations", "feedback_votes", "questions", "store_secrets"):
        op.drop_table(table)
