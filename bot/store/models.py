"""The tables, as SQLAlchemy 2 declarative models. Times are seconds since the epoch (UTC).

A change here needs a new migration in `migrations/versions` (the models describe the newest
schema; the migrations build it step by step, so an old database upgrades in place).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ProcessedEvent(Base):
    """A Slack event id already taken by some instance (kept an hour: Slack retries within it)."""

    __tablename__ = "processed_events"
    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_at: Mapped[float] = mapped_column(Float, index=True)


class StoreSecret(Base):
    """Secrets the store makes for itself, such as the salt of user hashes."""

    __tablename__ = "store_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class Question(Base):
    """One question asked in Slack: who asked is never kept. Questions the guide did not fully
    answer (`partial`, `suggest`, `none`) keep their normalised terms, or their cleaned text
    when the team chose TPM_BOT_LOG_QUESTIONS=text."""

    __tablename__ = "questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team: Mapped[str] = mapped_column(String(32), default="", index=True)
    asked_at: Mapped[float] = mapped_column(Float, index=True)
    status: Mapped[str] = mapped_column(String(16))
    section: Mapped[str | None] = mapped_column(String(100), nullable=True)
    terms: Mapped[str | None] = mapped_column(String(500), nullable=True)
    text: Mapped[str | None] = mapped_column(String(1000), nullable=True)


class FeedbackVote(Base):
    """👍 / 👎 on one answer (a message) by one user (a salted hash); a new click replaces it."""

    __tablename__ = "feedback_votes"
    answer: Mapped[str] = mapped_column(String(120), primary_key=True)
    user_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    team: Mapped[str] = mapped_column(String(32), default="", index=True)
    section: Mapped[str] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(16))
    helpful: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    voted_at: Mapped[float] = mapped_column(Float, index=True)


class ConversationState(Base):
    """The sections the bot answered recently in one thread or DM (a day at most)."""

    __tablename__ = "conversations"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    team: Mapped[str] = mapped_column(String(32), default="", index=True)
    sections: Mapped[str] = mapped_column(String(1000), default="")
    answered_at: Mapped[float] = mapped_column(Float, index=True)


class Teaching(Base):
    """A question a maintainer labelled: with the section that answers it, or as not in the
    guide with a note (`section` None). Pending until `tpm-bot review` writes it to a knowledge
    file (`written_at`); only its cleaned text is kept, never who asked or who labelled it."""

    __tablename__ = "teachings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team: Mapped[str] = mapped_column(String(32), default="", index=True)
    created_at: Mapped[float] = mapped_column(Float, index=True)
    question: Mapped[str] = mapped_column(String(1000))
    section: Mapped[str | None] = mapped_column(String(100), nullable=True)
    note: Mapped[str | None] = mapped_column(String(300), nullable=True)
    written_at: Mapped[float | None] = mapped_column(Float, nullable=True, index=True)
