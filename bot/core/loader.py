"""Read and validate knowledge files, reporting every problem as `path:line: message`.

People who are not programmers edit these files, so a mistake must point at the line to fix and
never surface as a traceback. Loading and `tpm-bot validate` are the same code path: a file that
validates is a file that loads, and a file that does not validate never starts a bot.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from difflib import get_close_matches
from typing import Any, NamedTuple

import yaml

from bot.core.chunks import FIELD_LIMIT, HEADER_LIMIT, SECTION_TEXT_LIMIT, longest_unbreakable_run
from bot.core.models import (
    Comparison,
    ComparisonRow,
    GuideInfo,
    KnowledgeBase,
    KnowledgeError,
    Problem,
    Section,
)
from bot.core.paths import expand_paths, shipped_knowledge_dir

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TEXT_FIELDS = ("title", "summary", "body", "source")
_LIST_FIELDS = ("aliases", "questions", "related")
_SECTION_FIELDS = ("id", *_TEXT_FIELDS, *_LIST_FIELDS, "comparison")
_GUIDE_FIELDS = ("title", "publisher", "link", "contact")
_TOP_FIELDS = ("guide", "sections")
#: A section's body is split into at most this many blocks; the rest of a message needs the others.
MAX_BODY_BLOCKS = 40

try:  # libyaml is an order of magnitude faster, which the CLI's start-up time notices.
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python PyYAML build
    _Loader = yaml.SafeLoader


def load_knowledge(
    extra: Sequence[str | os.PathLike[str]] = (), *, include_shipped: bool = True
) -> KnowledgeBase:
    """Load the shipped guide plus `extra` files/folders, or raise KnowledgeError listing all problems."""
    shipped = [shipped_knowledge_dir()] if include_shipped else []
    files, problems = expand_paths([*shipped, *extra])
    return _build(files, problems)


def _build(files: list[str], problems: list[Problem]) -> KnowledgeBase:
    """Read every file, then check what only the whole set can show (ids, related, claims)."""
    drafts: list[_Draft] = []
    for path in files:
        file_drafts, file_problems = _read_file(path)
        drafts.extend(file_drafts)
        problems.extend(file_problems)
    problems.extend(_check_across_files(drafts))
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(tuple(d.section for d in drafts), tuple(files))


class _Draft(NamedTuple):
    """A section plus the line of each field, kept until cross-file checks have run."""

    section: Section
    path: str
    line: int
    lines: dict[str, int]
    item_lines: dict[str, list[int]]


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _read_file(path: str) -> tuple[list[_Draft], list[Problem]]:
    shown = path
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        return [], [Problem(shown, 1, f"cannot read file: {error.strerror or error}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [], [Problem(shown, line, "file is not UTF-8 text; save it with UTF-8 encoding")]
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(filter(None, [error.context, error.problem]))
        return [], [Problem(shown, line, f"YAML syntax error: {what}")]
    except yaml.YAMLError as error:
        return [], [Problem(shown, 1, f"YAML syntax error: {error}")]
    if root is None:
        return [], [Problem(shown, 1, "file is empty; expected a mapping with a 'sections:' list")]
    return _FileReader(shown).read(root)


class _FileReader:
    """Walks one file's YAML nodes, so every value keeps the line it was written on."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node_or_line: yaml.Node | int, message: str) -> None:
        line = node_or_line if isinstance(node_or_line, int) else _line(node_or_line)
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, node: yaml.Node, what: str, known: Sequence[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of 'key: value' lines")
            return {}
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.problem(key_node, f"{what} has a key that is not plain text")
            elif key in result:
                self.problem(key_node, f"duplicate key '{key}' in {what}")
            elif key not in known:
                close = get_close_matches(key, known, n=1)
                hint = (
                    f"; did you mean '{close[0]}'?"
                    if close
                    else f"; expected one of: {', '.join(known)}"
                )
                self.problem(key_node, f"unknown field '{key}' in {what}{hint}")
            else:
                result[key] = value_node
        return result

    def text(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.problem(node, f"{what} must be text")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, f"{what} is empty")
            return None
        return value

    def text_list(self, node: yaml.Node, what: str) -> tuple[list[str], list[int]]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list (one '- item' per line)")
            return [], []
        values, lines = [], []
        for item in node.value:
            value = self.text(item, f"an item of {what}")
            if value is not None:
                values.append(value)
                lines.append(_line(item))
        return values, lines

    def read(self, root: yaml.Node) -> tuple[list[_Draft], list[Problem]]:
        top = self.mapping(root, "the file", _TOP_FIELDS)
        if not top and not self.problems:
            self.problem(root, "file has no 'sections:' list")
        guide = self.guide(top["guide"]) if "guide" in top else GuideInfo()
        drafts: list[_Draft] = []
        sections = top.get("sections")
        if sections is None:
            if top:
                self.problem(root, "missing 'sections:' list")
        elif not isinstance(sections, yaml.SequenceNode):
            self.problem(sections, "'sections' must be a list of sections ('- id: ...')")
        elif not sections.value:
            self.problem(sections, "'sections' is empty; add at least one section")
        else:
            for node in sections.value:
                draft = self.section(node, guide)
                if draft:
                    drafts.append(draft)
        return drafts, self.problems

    def guide(self, node: yaml.Node) -> GuideInfo:
        fields = self.mapping(node, "'guide'", _GUIDE_FIELDS)
        values = {k: self.text(v, f"guide {k}") or "" for k, v in fields.items()}
        return GuideInfo(**values)

    def section(self, node: yaml.Node, guide: GuideInfo) -> _Draft | None:
        before = len(self.problems)
        fields = self.mapping(node, "a section", _SECTION_FIELDS)
        if not isinstance(node, yaml.MappingNode):
            return None
        section_id = self.text(fields["id"], "id") if "id" in fields else None
        label = f"section '{section_id}'" if section_id else "section"
        for name in ("id", *_TEXT_FIELDS, *_LIST_FIELDS):
            if name not in fields:
                self.problem(node, f"{label} is missing required field '{name}'")
        if section_id and not _ID.match(section_id):
            self.problem(fields["id"], f"id '{section_id}' must be kebab-case, like 'level-senior'")
        texts = {n: self.text(fields[n], f"{label} {n}") for n in _TEXT_FIELDS if n in fields}
        lists, item_lines = {}, {}
        for name in _LIST_FIELDS:
            if name in fields:
                lists[name], item_lines[name] = self.text_list(fields[name], f"{label} {name}")
        if "questions" in lists and not lists["questions"] and "questions" in fields:
            self.problem(fields["questions"], f"{label} needs at least one example question")
        comparison = (
            self.comparison(fields["comparison"], label) if "comparison" in fields else None
        )
        self.check_lengths(fields, texts, comparison, label)
        if len(self.problems) > before or section_id is None:
            return None
        section = Section(
            id=section_id,
            title=texts["title"] or "",
            summary=texts["summary"] or "",
            body=texts["body"] or "",
            source=texts["source"] or "",
            aliases=tuple(lists["aliases"]),
            questions=tuple(lists["questions"]),
            related=tuple(lists["related"]),
            comparison=comparison,
            guide=guide,
            origin=self.path,
        )
        lines = {name: _line(n) for name, n in fields.items()}
        return _Draft(section, self.path, _line(node), lines, item_lines)

    def comparison(self, node: yaml.Node, label: str) -> Comparison | None:
        fields = self.mapping(node, f"{label} comparison", ("left", "right", "rows"))
        for name in ("left", "right", "rows"):
            if name not in fields and isinstance(node, yaml.MappingNode):
                self.problem(node, f"{label} comparison is missing '{name}'")
        left = self.text(fields["left"], "comparison left") if "left" in fields else None
        right = self.text(fields["right"], "comparison right") if "right" in fields else None
        rows: list[ComparisonRow] = []
        rows_node = fields.get("rows")
        if rows_node is not None and not isinstance(rows_node, yaml.SequenceNode):
            self.problem(rows_node, "comparison rows must be a list of 'aspect/left/right' rows")
        elif rows_node is not None:
            for row_node in rows_node.value:
                row = self.mapping(row_node, "a comparison row", ("aspect", "left", "right"))
                cells = {k: self.text(v, f"comparison row {k}") for k, v in row.items()}
                if set(cells) != {"aspect", "left", "right"} and isinstance(
                    row_node, yaml.MappingNode
                ):
                    self.problem(row_node, "a comparison row needs 'aspect', 'left' and 'right'")
                elif all(cells.values()):
                    for key, value in cells.items():
                        if len(value) > FIELD_LIMIT // 2:
                            self.problem(
                                row[key],
                                f"comparison cell is longer than {FIELD_LIMIT // 2} characters",
                            )
                    rows.append(ComparisonRow(**cells))  # type: ignore[arg-type]
        if left and right and rows:
            return Comparison(left, right, tuple(rows))
        return None

    def check_lengths(
        self,
        fields: dict[str, yaml.Node],
        texts: dict[str, str | None],
        comparison: object,
        label: str,
    ) -> None:
        """Slack rejects oversized blocks, so catch them here rather than in a live reply."""
        title = texts.get("title")
        if title and len(title) > HEADER_LIMIT:
            self.problem(
                fields["title"],
                f"{label} title is {len(title)} characters; Slack headers allow {HEADER_LIMIT}",
            )
        summary = texts.get("summary")
        if summary and len(summary) > SECTION_TEXT_LIMIT:
            self.problem(
                fields["summary"],
                f"{label} summary is {len(summary)} characters; keep it under {SECTION_TEXT_LIMIT} (one or two sentences)",
            )
        for name in ("summary", "body"):
            value = texts.get(name)
            if value and longest_unbreakable_run(value) > SECTION_TEXT_LIMIT:
                self.problem(
                    fields[name],
                    f"{label} {name} has a run of text without spaces longer than {SECTION_TEXT_LIMIT} characters; Slack cannot show it",
                )
        body = texts.get("body")
        if body and len(body) > SECTION_TEXT_LIMIT * MAX_BODY_BLOCKS:
            self.problem(
                fields["body"],
                f"{label} body is {len(body)} characters; split it into several sections",
            )


def _claim_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _check_across_files(drafts: list[_Draft]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, _Draft] = {}
    for draft in drafts:
        sid = draft.section.id
        if sid in first:
            other = first[sid]
            problems.append(
                Problem(
                    draft.path,
                    draft.lines["id"],
                    f"duplicate id '{sid}'; first defined at {other.path}:{other.lines['id']}",
                )
            )
        else:
            first[sid] = draft
    claims: dict[str, tuple[str, str, int]] = {}
    for draft in drafts:
        section = draft.section
        for index, related in enumerate(section.related):
            line = draft.item_lines["related"][index]
            if related == section.id:
                problems.append(
                    Problem(draft.path, line, f"section '{section.id}' lists itself as related")
                )
            elif related not in first:
                close = get_close_matches(related, list(first), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.append(
                    Problem(draft.path, line, f"related id '{related}' does not exist{hint}")
                )
        for kind in ("aliases", "questions"):
            for index, phrase in enumerate(getattr(section, kind)):
                key = _claim_key(phrase)
                line = draft.item_lines[kind][index]
                owner = claims.get(key)
                if owner and owner[0] != section.id:
                    problems.append(
                        Problem(
                            draft.path,
                            line,
                            f"'{phrase}' is claimed by section '{owner[0]}' too ({owner[1]}:{owner[2]}); keep it in one section",
                        )
                    )
                elif not owner:
                    claims[key] = (section.id, draft.path, line)
    return problems
