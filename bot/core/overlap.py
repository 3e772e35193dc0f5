"""Which of the guide's own questions an added knowledge file would answer instead.

A team file is free to add topics, but an alias such as "salary" or an example question copied
from the guide can quietly take questions away from the section that answers them: the file
passes every check, and "how much does a TPM earn in India?" starts getting the team's pay-band
page. `validate` reports each such question so that a maintainer sees it before the bot does.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.core.matcher import Matcher
from bot.core.models import KnowledgeBase


class TakenQuestion(NamedTuple):
    """A question the guide answers with `was`, that the added files answer with `now`."""

    question: str
    was: str
    now: str


def taken_questions(guide: KnowledgeBase, combined: KnowledgeBase) -> list[TakenQuestion]:
    """Questions the guide answers that an added section answers once it is loaded: the
    guide's own titles and example questions, and the added sections' example questions that
    the guide alone already answers (one copied from the guide, say)."""
    added = {s.id for s in combined.sections} - {s.id for s in guide.sections}
    if not added:
        return []
    before, after = Matcher(guide), Matcher(combined)
    probes = [q for s in guide.sections for q in (s.title, *s.questions)]
    probes += [q for s in combined.sections if s.id in added for q in s.questions]
    taken: list[TakenQuestion] = []
    for question in dict.fromkeys(probes):
        now = after.match(question)
        if now.status != "answer" or now.section is None or now.section.id not in added:
            continue
        was = before.match(question)
        if was.status == "answer" and was.section is not None:
            taken.append(TakenQuestion(question, was.section.id, now.section.id))
    return taken
