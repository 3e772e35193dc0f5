"""Questions asked in Slack, for the report: never who asked, and little of what.

Every question keeps its workspace, time, decision and section. Those the guide did not fully
answer (`partial`, `suggest`, `none`) also keep what was asked, privacy first: by default its
normalised terms only (`gap_terms`); with TPM_BOT_LOG_QUESTIONS=text, its cleaned text.
Mentions, links, emails and numbers are removed either way (bot.core.privacy).
"""

from __future__ import annotations

import functools
import json
import os
import re
import time

from sqlalchemy import Connection, Engine, delete, insert

from bot.core.privacy import MAX_KEPT_CHARS, question_terms, scrub
from bot.store.database import Health
from bot.store.models import Question
from bot.store.writer import WriteBehind

#: Decisions that count as a gap in the knowledge base.
GAP_STATUSES = frozenset({"partial", "suggest", "none"})


_CORE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "core")
#: A figure with its unit ("5 years", "30 LPA", "$200k", "20%"): what makes "is 30 LPA good
#: for a TPM?" a gap. A bare number (a phone number, an id) is never kept.
_FIGURE = re.compile(
    r"(?<![\w.])([₹$€£]?)(\d{1,4}(?:\.\d{1,2})?)\s?"
    r"(years?|yrs?|yoe|months?|weeks?|days?|hours?|hrs?|lpa|lakhs?|lacs?|crores?|cr|k|"
    r"%|percent|usd|inr|dollars|rupees|euros|pounds)(?!\w)",
    re.IGNORECASE,
)
_UNITS = {
    "year": "years", "yr": "years", "yrs": "years", "month": "months", "week": "weeks",
    "day": "days", "hour": "hours", "hr": "hours", "hrs": "hours", "lakh": "lakh",
    "lakhs": "lakh", "lac": "lakh", "lacs": "lakh", "crores": "crore", "cr": "crore",
    "percent": "%",
}  # fmt: skip
#: "US" in capitals is the country, not "us" (a stopword the terms would drop).
_US = re.compile(r"(?<![\w.])U\.?S\.?A?(?![\w.])|(?<![\w.])U\.S\.?A?\.?")
_LETTERS = re.compile(r"[^\W\d_]+")
#: Words after which a capitalised name is a place or a company ("in Berlin", "at Stripe").
_PLACE_BEFORE = frozenset({"in", "at", "from", "to", "near"})


@functools.cache
def _vocabularies() -> tuple[frozenset[str], frozenset[str]]:
    """(words the word list or the shipped guide use, common English words).

    The word list (bot/core/lexicon.yaml) names the countries, cities and companies whose
    mention makes a question a gap; the guide and its example bank have the topic's words; the
    sentence encoder's vocabulary (about 21,000 whole English words) has everyday ones. A word
    in none of them (most people's names) is not kept. Read once per process, on the first
    question that is a gap.
    """
    import yaml

    from bot.core.paths import shipped_knowledge_dir

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    known: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            known.update(_LETTERS.findall(value.lower()))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    folder = shipped_knowledge_dir()
    paths = [os.path.join(_CORE, "lexicon.yaml")]
    paths += [os.path.join(folder, n) for n in sorted(os.listdir(folder)) if n.endswith(".yaml")]
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            walk(yaml.load(handle, Loader=loader))
    common: set[str] = set()
    try:
        with open(os.path.join(_CORE, "sentence_model", "tokenizer.json"), encoding="utf-8") as f:
            vocabulary = json.load(f)["model"]["vocab"]
        common = {w for w in vocabulary if len(w) > 1 and w.isascii() and w.isalpha()}
    except (OSError, ValueError, KeyError):  # a build without the encoder: the guide's words
        pass
    return frozenset(known), frozenset(common)


def gap_terms(question: str) -> str:
    """What a gap question was about, privacy first: its topic words, sorted, each once.

    Kept: words the word list or the guide know (countries, cities and companies among them:
    "how much does a TPM make in the US?" is `howmuch make tpm us`, not `howmuch make tpm`),
    common English words, and figures with a unit (`5-years`, `30-lpa`, `$200k`, `20%`). Not kept: anything
    else, so a name ("ask Priya") is dropped, and a capitalised word is kept only if the word
    list or the guide know it or it follows "in", "at" or "from" (a place or a company) and is
    a common word: "John" asking is not kept, "Berlin" after "in" is.
    """
    text = scrub(_US.sub(" ", _FIGURE.sub(" ", question[:2000])))
    known, common = _vocabularies()
    kept: list[str] = []
    words = list(_LETTERS.finditer(text))
    for index, match in enumerate(words):
        word = match.group()
        lower = word.lower()
        titled = word[:1].isupper() and not word[1:].isupper()
        before = words[index - 1].group().lower() if index else ""
        ordinary = lower in common and (not titled or before in _PLACE_BEFORE)
        if len(lower) > 1 and (lower in known or ordinary):
            kept.append(lower)
    terms = set(question_terms(" ".join(kept)).split())
    if _US.search(question):
        terms.add("us")
    for currency, number, unit in _FIGURE.findall(question[:2000]):
        unit = unit.lower()
        unit = _UNITS.get(unit, unit)
        terms.add(f"{currency}{number}{'-' if len(unit) > 1 else ''}{unit}")
    return " ".join(sorted(terms))[:MAX_KEPT_CHARS]


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
            "terms": gap_terms(question) or None if gap else None,
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
