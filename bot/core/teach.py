"""Adding what a maintainer taught to a knowledge file, in the file's own format.

`tpm-bot review` turns labelled questions into `examples:` (the section that answers them) and
`not_covered:` entries (what the guide lacks). Only those two top-level blocks are rewritten;
the rest of the file, its sections and comments, stays byte for byte as the team wrote it, so
the diff a maintainer approves shows exactly what was added.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import yaml

from bot.core.privacy import scrub
from bot.core.uncovered import question_key


class Label(NamedTuple):
    """One taught question: answered by `section`, or (section None) not covered, `note`
    saying what the guide lacks."""

    question: str
    section: str | None
    note: str = ""


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the README's examples are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def clean_question(text: str) -> str:
    """What may be written of a question: its cleaned text (no mentions, links, emails,
    handles or numbers), one line."""
    return scrub(text)


def add_labels(text: str, labels: list[Label]) -> str:
    """The file's text with `labels` added; questions already in the file are not repeated."""
    loaded = yaml.safe_load(text) if text.strip() else None
    data: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
    examples: dict[str, list[str]] = {
        str(k): list(v or []) for k, v in (data.get("examples") or {}).items()
    }
    gaps: list[dict[str, Any]] = [dict(g) for g in (data.get("not_covered") or [])]
    seen = {question_key(q) for qs in examples.values() for q in qs}
    seen |= {question_key(q) for g in gaps for q in (g.get("questions") or [])}
    for label in labels:
        question = clean_question(label.question)
        if not question or question_key(question) in seen:
            continue
        seen.add(question_key(question))
        if label.section is not None:
            examples.setdefault(label.section, []).append(question)
            continue
        note = scrub(label.note).rstrip(". ")
        entry = next((g for g in gaps if g.get("note") == note), None)
        if entry is None:
            gaps.append({"note": note, "questions": [question]})
        else:
            entry["questions"] = [*(entry.get("questions") or []), question]
    if examples:
        text = _replace_block(text, "examples", examples)
    if gaps:
        text = _replace_block(text, "not_covered", gaps)
    return text


def _replace_block(text: str, key: str, value: object) -> str:
    """`key:`'s top-level block replaced by `value` (appended at the end if absent)."""
    block = yaml.dump({key: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    lines = text.splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if re.match(rf"{key}\s*:", line)), None)
    if start is None:
        prefix = text if not text or text.endswith("\n") else text + "\n"
        return prefix + block
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t", "#")):
        end += 1
    # Blank lines and comments before the next block belong to it, not to this one.
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return "".join([*lines[:start], block, *lines[end:]])
