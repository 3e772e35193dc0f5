"""Questions asked in Slack, for the report: never who asked, and little of what.

Every question keeps its workspace, time, decision and section. Those the guide did not fully
answer (`partial`, `suggest`, `none`) also keep what was asked, privacy first: by default its
normalised terms only; with TPM_BOT_LOG_QUESTIONS=text, its cleaned text. Mentions, links,
emails and numbers are removed either way (bot.core.privacy).
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, Engine, delete, insert

from bot.core.privacy import question_terms, scrub
from bot.store.database import Health
from bot.store.models import Question
from bot.store.writer import WriteBehind

#: Decisions that count as a gap in the knowledge base.
GAP_STATUSES = frozenset({"partial", "suggest", "none"})


class QuestionLog:
    def __init__(self, engine: Engine, health: Health, keep_text: bool = False) -> None:
        self.engine = engine
        self.health = health
        self.keep_text = keep_text
        self.writer: WriteBehind[dict[str, object]] = WriteBehind(
            engine, health, "question", _write
        )

    def record(self, team: str, status: str, section: str | None, question: str) -> None:
        """Count a question; a database that cannot be reached costs the count, not the answer."""
        gap = status in GAP_STATUSES
        row = {
            "team": team[:32],
            "asked_at": time.time(),
            "status": status[:16],
            "section": section,
            "terms": question_terms(question) or None if gap else None,
            "text": scrub(question) or None if gap and self.keep_text else None,
        }
        self.writer.put(row)  # written with others a moment later, off the reply path

    def purge(self, before: float) -> int:
        self.writer.flush()
        with self.engine.begin() as connection:
            result = connection.execute(delete(Question).where(Question.asked_at < before))
        return int(result.rowcount or 0)

    def forget_team(self, team: str) -> None:
        self.writer.flush()
        with self.engine.begin() as connection:
            connection.execute(delete(Question).where(Question.team == team))


def _write(connection: Connection, rows: list[dict[str, object]]) -> None:
    connection.execute(insert(Question), rows)
