"""What a team marked as not in the guide: `not_covered:` entries in its knowledge files.

The word list's gaps (bot/core/lexicon.yaml) describe the shipped guide and are edited by its
developers; a maintainer teaching the bot from real questions needs the same thing in a team
file, without code. Each entry's questions join the example bank under a label past the
sections (bot.core.bank), so the sentence encoder learns their wording like any example: when
a question's single nearest example is one of them, and near enough, the bot says
"The guide doesn't cover <note>." instead of offering the nearest topics. The words alone
(TPM_BOT_ENCODER=off) recognise the marked questions themselves, written the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.bank import Evidence
from bot.core.markup import clean_slack_text
from bot.core.models import KnowledgeBase

#: Cosine similarity a question needs to its nearest marked question (which must also be its
#: nearest example of all) to be declined with that entry's note: paraphrases score about
#: 0.75-0.95 with the shipped encoder; questions on another subject rarely pass 0.6.
UNCOVERED_SIMILARITY = 0.72

_WORD = re.compile(r"[a-z0-9]+")


def question_key(text: str) -> str:
    """A question's words, lower-case: two writings of the same question meet here."""
    return " ".join(_WORD.findall(clean_slack_text(text).lower()))


class Uncovered:
    """The notes of a knowledge base's `not_covered:` entries, and which question gets one."""

    __slots__ = ("_exact", "notes", "sections")

    def __init__(self, kb: KnowledgeBase) -> None:
        #: Labels below this are sections; from it on, the entries in order.
        self.sections = len(kb.sections)
        self.notes = tuple(gap.note for gap in kb.not_covered)
        self._exact = {
            question_key(q): n for n, gap in enumerate(kb.not_covered) for q in gap.questions
        }

    def note(self, sentence: str, found: Evidence | None) -> str:
        """What the guide lacks for this question ("" if it was not marked): the entry whose
        question it is, or whose question is its nearest example (`found`, the encoder's)."""
        if not self.notes or not sentence:
            return ""
        entry = self._exact.get(question_key(sentence))
        if (
            entry is None
            and found is not None
            and found.nearest_label >= self.sections
            and found.nearest >= UNCOVERED_SIMILARITY
        ):
            entry = found.nearest_label - self.sections
        return self.notes[entry] if entry is not None and entry < len(self.notes) else ""

    def sections_only(self, evidence: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
        """The encoder's evidence without the entries' labels, which are not sections."""
        return [pair for pair in evidence if pair[0] < self.sections]
