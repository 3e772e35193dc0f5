"""`tpm-bot review`: a maintainer turns what the bot failed on into knowledge.

The session walks the store's candidates (bot.store.teaching), most frequent first; each can
be given the section that answers it (an example), marked not in the guide with a short note,
skipped, or the session stopped. Nothing is written until the end: the change to the team file
(`--to`) is shown as a diff and checked exactly as `tpm-bot validate` checks files, and only
a valid file the maintainer approves is written. A running bot picks it up on its next reload.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Callable, Sequence
from difflib import get_close_matches

from bot.core.loader import load_knowledge
from bot.core.models import KnowledgeBase, KnowledgeError
from bot.core.teach import Label, add_labels, clean_question
from bot.core.uncovered import question_key
from bot.store.teaching import Candidate

HELP = (
    "  a section id adds it as an example of that section; 'n NOTE' marks it not in the "
    'guide (NOTE: what is missing, read after "The guide doesn\'t cover"); Enter skips; '
    "'?' lists the sections; 'q' stops"
)
DECISIONS = {
    "none": "declined",
    "partial": "answered partly",
    "suggest": "only suggested topics",
    "answer": "answered",
}


class Session:
    """One review: reads answers with `ask` (input()), says things with `say` (print)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        ask: Callable[[str], str],
        say: Callable[[str], None],
    ) -> None:
        self.kb = kb
        self.ask = ask
        self.say = say
        self.labels: list[Label] = []
        #: The pending rows (from Slack) whose label this session accepted.
        self.pending: list[int] = []
        #: The labels given here (not accepted from Slack), for the store's weekly counts.
        self.given: list[Label] = []
        self._known = {question_key(s.title) for s in kb.sections}
        for section in kb.sections:
            self._known |= {question_key(q) for q in (*section.questions, *section.aliases)}
        self._known |= {question_key(e.text) for e in kb.examples}
        self._known |= {question_key(q) for g in kb.not_covered for q in g.questions}

    def _read(self, prompt: str) -> str | None:
        try:
            return self.ask(prompt).strip()
        except EOFError:
            return None

    def describe(self, number: int, total: int, candidate: Candidate) -> str:
        times = f"{candidate.asked} time{'s' * (candidate.asked != 1)}"
        if candidate.kind == "pending":
            label = candidate.label or f"not covered: {candidate.note}"
            head = f"labelled in Slack as {label}"
        elif candidate.kind == "vote":
            head = f"👎 {times} on {candidate.section or 'an answer'}; the reason given"
        else:
            decision = DECISIONS.get(candidate.status, candidate.status)
            gave = f", gave {candidate.section}" if candidate.section else ""
            head = f"asked {times}, {decision}{gave}"
            if candidate.kind == "terms":
                head += " (only its terms are kept)"
        shown = candidate.text or candidate.terms
        return f"[{number}/{total}] {head}\n  “{shown}”"

    def run(self, candidates: list[Candidate]) -> None:
        self.say(HELP)
        for number, candidate in enumerate(candidates, 1):
            self.say("")
            self.say(self.describe(number, len(candidates), candidate))
            if not self.review(candidate):
                break

    def review(self, candidate: Candidate) -> bool:
        """Label one candidate; False when the maintainer stops."""
        prompt = "section, n NOTE, Enter, ?, q> "
        if candidate.kind == "pending":
            prompt = "y accepts, or section, n NOTE, Enter, ?, q> "
        while True:
            answer = self._read(prompt)
            if answer is None or answer.lower() in ("q", "quit", "stop"):
                return False
            if not answer:
                return True
            if answer == "?":
                width = max(len(s.id) for s in self.kb.sections)
                for section in self.kb.sections:
                    self.say(f"  {section.id.ljust(width)}  {section.title}")
                continue
            label = self._label(answer, candidate)
            if label is None:
                continue
            question = clean_question(label.question)
            if not question:
                self.say("  nothing is left of it once cleaned; skipped")
                return True
            if question_key(question) in self._known:
                self.say("  the knowledge already has this question; skipped")
                return True
            self._known.add(question_key(question))
            self.labels.append(label._replace(question=question))
            if candidate.kind == "pending" and answer.lower() in ("y", "yes"):
                self.pending.extend(candidate.ids)
            else:
                self.given.append(label._replace(question=question))
            what = label.section or f"not covered: {label.note}"
            self.say(f"  noted: {what}")
            return True

    def _label(self, answer: str, candidate: Candidate) -> Label | None:
        if candidate.kind == "pending" and answer.lower() in ("y", "yes"):
            return Label(candidate.text, candidate.label, candidate.note)
        if answer[:2].lower() == "n " or answer.lower() == "n":
            note = answer[2:].strip().rstrip(". ")
            if not note:
                self.say("  say what the guide is missing after 'n ', like: n pay at Google")
                return None
            return Label(self._wording(candidate), None, note)
        if answer in self.kb:
            return Label(self._wording(candidate), answer)
        close = get_close_matches(answer, [s.id for s in self.kb.sections], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; '?' lists them"
        self.say(f"  no section '{answer}'{hint}")
        return None

    def _wording(self, candidate: Candidate) -> str:
        """The question as it will be written: its cleaned text, or, where only terms were
        kept, what the maintainer types (Enter keeps the terms)."""
        if candidate.text:
            return candidate.text
        typed = self._read(f"  write it as people ask it (Enter keeps '{candidate.terms}')> ")
        return typed or candidate.terms


def proposed(path: str, labels: list[Label]) -> tuple[str, str]:
    """(the file's text now, its text with the labels); a file not there yet is empty."""
    try:
        with open(path, encoding="utf-8") as handle:
            before = handle.read()
    except FileNotFoundError:
        before = ""
    return before, add_labels(before, labels)


def diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


def check(path: str, after: str, others: Sequence[str]) -> list[str]:
    """The problems `tpm-bot validate` would report with the new text in place of `path`
    (with the shipped guide and the configured knowledge), as `path:line: message`."""
    target = os.path.abspath(path)
    with tempfile.TemporaryDirectory(prefix="tpm-review-") as folder:
        temporary = os.path.join(folder, os.path.basename(target) or "team.yaml")
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(after)
        rest = [p for p in others if os.path.abspath(p) != target]
        try:
            load_knowledge([*rest, temporary])
        except KnowledgeError as error:
            return [str(p).replace(temporary, path) for p in error.problems]
        return []


def write(path: str, text: str) -> None:
    """Replace the file in one step, so a reload never reads half of it."""
    target = os.path.abspath(path)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, target)
