"""Teaching the bot: what `tpm-bot review` offers a maintainer, and the labels they give.

Candidates are the questions the bot did not fully answer (declined, partly answered or only
suggested topics) and the reasons people gave with a 👎, most frequent first, plus what
maintainers labelled in Slack with the *Teach tpm-bot* shortcut (pending until `review` writes
it to a knowledge file). Only cleaned text is ever kept (bot.core.privacy.scrub): no user ids,
mentions, emails, links or numbers. Nothing here leaves the store by itself: a label becomes
knowledge only when a maintainer writes it to a file with `tpm-bot review`. Every row expires
with the retention period, written or not.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import NamedTuple

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from bot.core.privacy import scrub
from bot.core.uncovered import question_key
from bot.store.database import Health
from bot.store.events import StoreUnavailable
from bot.store.models import FeedbackVote, Question, Teaching
from bot.store.questions import GAP_STATUSES, gap_terms

#: Longest note kept (the knowledge files allow 200 characters).
MAX_NOTE_CHARS = 200


class Candidate(NamedTuple):
    """One thing a maintainer may teach the bot, grouped: every question with the same text
    (or, where only terms are kept, the same terms) is one candidate."""

    #: "pending" (labelled in Slack), "question" (cleaned text kept), "terms" (terms only),
    #: or "vote" (the reason given with a 👎).
    kind: str
    #: The cleaned question (or 👎 reason); "" where only terms were kept.
    text: str
    terms: str
    #: How many times it was asked (or voted down).
    asked: int
    #: The bot's most common decision for it, and the section it gave (if any).
    status: str
    section: str | None
    #: A pending label: the section that answers it, or (section None) what the guide lacks.
    label: str | None = None
    note: str = ""
    #: When it was last asked or labelled (seconds since the epoch).
    last: float = 0.0
    #: The teachings rows of a pending candidate.
    ids: tuple[int, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "text": self.text,
            "terms": self.terms,
            "count": self.asked,
            "status": self.status,
            "section": self.section,
            "label": self.label,
            "note": self.note or None,
            "last": round(self.last, 3),
        }


class TeachingLog:
    def __init__(self, engine: Engine, health: Health) -> None:
        self.engine = engine
        self.health = health

    def add(self, *, team: str, question: str, section: str | None, note: str = "") -> int:
        """Keep a maintainer's label as pending (scrubbed); StoreUnavailable if it could not be."""
        row = {
            "team": team[:32],
            "created_at": time.time(),
            "question": scrub(question)[:1000],
            "section": section[:100] if section else None,
            "note": scrub(note)[:MAX_NOTE_CHARS] or None if section is None else None,
        }
        if not row["question"]:
            raise ValueError("nothing is left of the question once cleaned")
        try:
            with self.engine.begin() as connection:
                result = connection.execute(insert(Teaching).values(**row))
        except SQLAlchemyError as error:
            self.health.failed("teaching", error)
            raise StoreUnavailable from error
        self.health.worked()
        key = result.inserted_primary_key
        return int(key[0]) if key else 0

    def written(
        self, pending: list[int], labels: list[tuple[str, str | None, str]], at: float = 0.0
    ) -> None:
        """Note what `review` wrote to a file: pending rows it exported, and its own labels
        (question, section or None, note), so the report counts what was taught each week."""
        at = at or time.time()
        with self.engine.begin() as connection:
            if pending:
                connection.execute(
                    update(Teaching).where(Teaching.id.in_(pending)).values(written_at=at)
                )
            rows = [
                {
                    "team": "",
                    "created_at": at,
                    "question": scrub(question)[:1000] or "-",
                    "section": section,
                    "note": scrub(note)[:MAX_NOTE_CHARS] or None if section is None else None,
                    "written_at": at,
                }
                for question, section, note in labels
            ]
            if rows:
                connection.execute(insert(Teaching), rows)

    def candidates(self, since: float) -> list[Candidate]:
        """Pending labels first (oldest first), then what people asked or voted down since
        `since`, most frequent first; what was already taught is left out."""
        with self.engine.connect() as connection:
            teachings = connection.execute(
                select(
                    Teaching.id,
                    Teaching.created_at,
                    Teaching.question,
                    Teaching.section,
                    Teaching.note,
                    Teaching.written_at,
                ).order_by(Teaching.created_at, Teaching.id)
            ).all()
            questions = connection.execute(
                select(
                    Question.asked_at,
                    Question.status,
                    Question.section,
                    Question.terms,
                    Question.text,
                ).where(Question.asked_at >= since, Question.status.in_(GAP_STATUSES))
            ).all()
            votes = connection.execute(
                select(
                    FeedbackVote.voted_at,
                    FeedbackVote.decision,
                    FeedbackVote.section,
                    FeedbackVote.reason,
                ).where(
                    FeedbackVote.voted_at >= since,
                    FeedbackVote.helpful.is_(False),
                    FeedbackVote.reason.is_not(None),
                )
            ).all()
        taught = {question_key(t.question) for t in teachings}
        # Where only terms are kept, a taught question covers the questions with its terms.
        taught_terms = {gap_terms(t.question) for t in teachings}
        found: list[Candidate] = []
        pending: dict[str, Candidate] = {}
        for t in teachings:
            if t.written_at is not None:
                continue
            key = question_key(t.question)
            earlier = pending.get(key)
            ids = (*earlier.ids, t.id) if earlier else (t.id,)
            # A later label of the same question replaces an earlier one.
            pending[key] = Candidate(
                "pending", t.question, "", len(ids), "", None, t.section, t.note or "",
                t.created_at, ids,
            )  # fmt: skip
        found.extend(pending.values())
        groups: defaultdict[tuple[str, str], list[tuple[float, str, str | None]]] = defaultdict(
            list
        )
        for q in questions:
            if q.text:
                if question_key(q.text) not in taught:
                    groups[("question", q.text)].append((q.asked_at, q.status, q.section))
            elif q.terms and q.terms not in taught_terms:
                groups[("terms", q.terms)].append((q.asked_at, q.status, q.section))
        for v in votes:
            if v.reason and question_key(v.reason) not in taught:
                groups[("vote", v.reason)].append((v.voted_at, v.decision, v.section or None))
        asked: list[Candidate] = []
        for (kind, what), seen in groups.items():
            status = Counter(s for _, s, _ in seen).most_common(1)[0][0]
            section = Counter(s for _, _, s in seen).most_common(1)[0][0]
            asked.append(
                Candidate(
                    kind,
                    "" if kind == "terms" else what,
                    what if kind == "terms" else "",
                    len(seen),
                    status,
                    section,
                    last=max(at for at, _, _ in seen),
                )
            )
        asked.sort(key=lambda c: (-c.asked, -c.last))
        return found + asked

    def purge(self, before: float) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(delete(Teaching).where(Teaching.created_at < before))
        return int(result.rowcount or 0)

    def forget_team(self, team: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(Teaching).where(Teaching.team == team))
