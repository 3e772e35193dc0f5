"""Read and validate knowledge files, reporting every problem as `path:line: message`.

People who are not programmers edit these files, so a mistake must point at the line to fix and
never surface as a traceback. Loading and `tpm-bot validate` are the same code path: a file that
validates is a file that loads, and a file that does not validate never starts a bot.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from difflib import get_close_matches
from typing import NamedTuple

import yaml

from bot.core.chunks import (
    ANSWER_FRAME_BLOCKS,
    BUTTON_VALUE_LIMIT,
    CITATION_FRAME,
    CONTEXT_TEXT_LIMIT,
    FIELD_LIMIT,
    HEADER_LIMIT,
    MAX_BODY_BLOCKS,
    MESSAGE_BLOCK_LIMIT,
    SECTION_TEXT_LIMIT,
    longest_unbreakable_run,
    split_text,
)
from bot.core.models import (
    Comparison,
    ComparisonRow,
    Example,
    GuideInfo,
    KnowledgeBase,
    KnowledgeError,
    NotCovered,
    Problem,
    Section,
)
from bot.core.paths import expand_paths, shipped_knowledge_dir

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TEXT_FIELDS = ("title", "summary", "body", "source")
_LIST_FIELDS = ("aliases", "questions", "related")
_SECTION_FIELDS = ("id", *_TEXT_FIELDS, *_LIST_FIELDS, "comparison", "next", "parts")
_GUIDE_FIELDS = ("title", "publisher", "link", "contact")
_TOP_FIELDS = ("guide", "sections", "examples", "commands", "not_covered")
_NOT_COVERED_FIELDS = ("note", "questions")
#: Longest note on what the guide lacks: it is read after "The guide doesn't cover ".
MAX_NOTE_CHARS = 200
#: Slash commands the bot answers itself, whatever the knowledge says.
BUILTIN_COMMANDS = ("/tpm", "/tpm-topics")
_COMMAND = re.compile(r"/[a-z0-9][a-z0-9_-]{0,30}")
#: Longest example question kept: a long Slack post with the question after the asker's story
#: fits; a pasted document does not teach the encoder anything.
MAX_EXAMPLE_CHARS = 1_000
#: Largest knowledge file read. The shipped guide is about 27 KB; a file past this is a mistake
#: (or an attack) and would otherwise cost seconds of start-up per megabyte.
MAX_FILE_BYTES = 1_000_000
#: YAML nodes allowed in one file: far more than a 1 MB file of real sections needs.
MAX_NODES = 200_000
#: Nesting allowed in one file (a section's comparison rows are 6 deep), before recursion hurts.
MAX_DEPTH = 20

try:  # libyaml is an order of magnitude faster, which the CLI's start-up time notices.
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - pure-Python PyYAML build

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class _Refused(Exception):
    """A file the composer stops reading, with the line to point at."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _GuardedComposer(yaml.composer.Composer):
    """PyYAML's composer, refusing what lets a small file cost minutes and gigabytes.

    Aliases (`*name`) make one node appear many times: 28 KB of them fanned a section out
    into three million problems. Nobody editing prose needs them, so they are refused, and
    the node count and nesting are capped so that neither memory nor recursion can run away.
    """

    def __init__(self) -> None:
        super().__init__()
        self.node_count = 0
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # the parser's, mixed in
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                line,
                f"YAML aliases (*{event.anchor}) are not supported in knowledge files; "
                "write the text out",
            )
        self.node_count += 1
        if self.node_count > MAX_NODES:
            raise _Refused(line, f"file has more than {MAX_NODES:,} YAML values; split it up")
        if self.depth >= MAX_DEPTH:
            raise _Refused(line, f"values are nested more than {MAX_DEPTH} levels deep")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_GuardedComposer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """libyaml's parser (fast) under the guarded composer (safe); values are never constructed."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _GuardedComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


def load_knowledge(
    extra: Sequence[str | os.PathLike[str]] = (), *, include_shipped: bool = True
) -> KnowledgeBase:
    """Load the shipped guide plus `extra` files/folders, or raise KnowledgeError listing all problems."""
    shipped = [shipped_knowledge_dir()] if include_shipped else []
    files, problems = expand_paths([*shipped, *extra])
    return _build(files, problems, frozenset(expand_paths(shipped)[0]))


def _build(
    files: list[str], problems: list[Problem], shipped_files: frozenset[str] = frozenset()
) -> KnowledgeBase:
    """Read every file, then check what only the whole set can show (ids, related, claims)."""
    drafts: list[_Draft] = []
    examples: list[_ExampleDraft] = []
    commands: list[_CommandDraft] = []
    gaps: list[_GapDraft] = []
    for path in files:
        read = _read_file(path)
        drafts.extend(read.drafts)
        examples.extend(read.examples)
        commands.extend(read.commands)
        gaps.extend(read.gaps)
        problems.extend(read.problems)
    problems.extend(_check_across_files(drafts))
    problems.extend(_check_examples(examples, drafts))
    problems.extend(_check_not_covered(gaps, examples, drafts))
    problems.extend(_check_commands(commands, drafts))
    if problems:
        # In reading order, file by file, so an editor can work down the list.
        order = {path: n for n, path in enumerate(files)}
        problems.sort(key=lambda p: (order.get(p.path, len(order)), p.line))
        raise KnowledgeError(problems)
    added = frozenset(d.section.id for d in drafts if d.path not in shipped_files)
    return KnowledgeBase(
        tuple(d.section for d in drafts),
        tuple(files),
        added,
        tuple(e.example for e in examples),
        {c.name: c.section for c in commands},
        tuple(g.gap for g in gaps),
    )


class _Draft(NamedTuple):
    """A section plus the line of each field, kept until cross-file checks have run."""

    section: Section
    path: str
    lines: dict[str, int]
    item_lines: dict[str, list[int]]


class _CommandDraft(NamedTuple):
    """A slash command that shows one section, with where it was written."""

    name: str
    section: str
    path: str
    line: int


class _FileContents(NamedTuple):
    drafts: list[_Draft]
    examples: list[_ExampleDraft]
    #: The file's `commands:`.
    commands: list[_CommandDraft]
    problems: list[Problem]
    gaps: list[_GapDraft]


def _unreadable(problem: Problem) -> _FileContents:
    return _FileContents([], [], [], [problem], [])


class _GapDraft(NamedTuple):
    """A `not_covered:` entry, with the line of each of its questions."""

    gap: NotCovered
    path: str
    lines: tuple[int, ...]


class _ExampleDraft(NamedTuple):
    """An example question with where it was written, for the checks across files."""

    example: Example
    path: str
    line: int


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _read_bytes(path: str) -> bytes | Problem:
    """The file's bytes, or a problem for anything that is not a small regular file.

    A FIFO or device named *.yaml would block a reader forever (and, during a reload, keep
    the server from stopping): such files are never opened, and O_NONBLOCK covers one swapped
    in between the check and the open.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return Problem(path, 1, "not a regular file")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        return Problem(path, 1, f"cannot read file: {error.strerror or error}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Problem(path, 1, "not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            return _too_big(path, info.st_size)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return Problem(path, 1, f"cannot read file: {error.strerror or error}")
    finally:
        os.close(fd)
    return _too_big(path, len(raw)) if len(raw) > MAX_FILE_BYTES else raw


def _too_big(path: str, size: int) -> Problem:
    return Problem(
        path,
        1,
        f"file is {size / 1_000_000:.1f} MB; knowledge files are limited to "
        f"{MAX_FILE_BYTES // 1_000_000} MB, so split it into several files",
    )


def _syntax_problem(path: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    """PyYAML's words for a tab ("cannot start any token") do not say 'tab'; ours do."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    if mark is not None:
        source_lines = text.splitlines()
        source = source_lines[mark.line] if mark.line < len(source_lines) else ""
        indent = source[: len(source) - len(source.lstrip(" \t"))]
        if "\t" in indent or source[mark.column : mark.column + 1] == "\t":
            return Problem(path, line, "a tab character is used for indentation; use spaces")
    what = " ".join(filter(None, [error.context, error.problem]))
    return Problem(path, line, f"YAML syntax error: {what}")


def _read_file(path: str) -> _FileContents:
    raw = _read_bytes(path)
    if isinstance(raw, Problem):
        return _unreadable(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return _unreadable(
            Problem(path, line, "file is not UTF-8 text; save it with UTF-8 encoding")
        )
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except _Refused as refused:
        return _unreadable(Problem(path, refused.line, refused.message))
    except yaml.MarkedYAMLError as error:
        return _unreadable(_syntax_problem(path, text, error))
    except yaml.YAMLError as error:
        return _unreadable(Problem(path, 1, f"YAML syntax error: {error}"))
    if root is None:
        return _unreadable(
            Problem(path, 1, "file is empty; expected a mapping with a 'sections:' list")
        )
    return _FileReader(path).read(root)


class _FileReader:
    """Walks one file's YAML nodes, so every value keeps the line it was written on."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node_or_line: yaml.Node | int, message: str) -> None:
        line = node_or_line if isinstance(node_or_line, int) else _line(node_or_line)
        self.problems.append(Problem(self.path, line, message))

    def mapping(
        self,
        node: yaml.Node,
        what: str,
        known: Sequence[str] | None,
        shape: str = "'key: value' lines",
    ) -> dict[str, yaml.Node]:
        """The mapping's values by key, each key once; `known` None takes any key (section ids
        under `examples:`)."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of {shape}")
            return {}
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.problem(key_node, f"{what} has a key that is not plain text")
            elif key in result:
                self.problem(key_node, f"duplicate key '{key}' in {what}")
            elif known is not None and key not in known:
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
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            self.problem(node, f"{what} is empty")  # `summary:` with nothing after it
            return None
        if not isinstance(node, yaml.ScalarNode):
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

    def read(self, root: yaml.Node) -> _FileContents:
        top = self.mapping(root, "the file", _TOP_FIELDS)
        if not top and not self.problems:
            self.problem(root, "file has no 'sections:' list")
        guide = self.guide(top["guide"]) if "guide" in top else GuideInfo()
        drafts: list[_Draft] = []
        examples = self.examples(top["examples"]) if "examples" in top else []
        commands = self.commands(top["commands"]) if "commands" in top else []
        gaps = self.not_covered(top["not_covered"]) if "not_covered" in top else []
        sections = top.get("sections")
        if sections is None:
            if top and not {"examples", "commands", "not_covered"} & set(
                top
            ):  # examples alone are fine
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
        return _FileContents(drafts, examples, commands, self.problems, gaps)

    def not_covered(self, node: yaml.Node) -> list[_GapDraft]:
        """`not_covered:` lists questions the guide does not answer, each entry with a `note`
        saying what it lacks (read after "The guide doesn't cover ")."""
        found: list[_GapDraft] = []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(
                node, "'not_covered' must be a list of entries ('- note: ...' with 'questions:')"
            )
            return found
        for item in node.value:
            fields = self.mapping(item, "a not_covered entry", _NOT_COVERED_FIELDS)
            if not isinstance(item, yaml.MappingNode):
                continue
            for name in _NOT_COVERED_FIELDS:
                if name not in fields:
                    self.problem(item, f"a not_covered entry is missing '{name}'")
            note = self.text(fields["note"], "not_covered note") if "note" in fields else None
            if note is not None:
                note = note.rstrip(". ")
                if len(note) > MAX_NOTE_CHARS:
                    self.problem(
                        fields["note"],
                        f"not_covered note is {len(note)} characters; keep it under "
                        f'{MAX_NOTE_CHARS} (it follows "The guide doesn\'t cover")',
                    )
                    note = None
            if "questions" not in fields:
                continue
            values, lines = self.text_list(fields["questions"], "not_covered questions")
            if not values and isinstance(fields["questions"], yaml.SequenceNode):
                self.problem(fields["questions"], "not_covered questions is empty; add one")
            kept: list[tuple[str, int]] = []
            for value, line in zip(values, lines, strict=True):
                if len(value) > MAX_EXAMPLE_CHARS:
                    self.problem(
                        line,
                        f"not_covered question is {len(value)} characters; keep it under "
                        f"{MAX_EXAMPLE_CHARS}",
                    )
                else:
                    kept.append((value, line))
            if note and kept:
                found.append(
                    _GapDraft(
                        NotCovered(note, tuple(v for v, _ in kept)),
                        self.path,
                        tuple(line for _, line in kept),
                    )
                )
        return found

    def commands(self, node: yaml.Node) -> list[_CommandDraft]:
        """`commands:` maps slash commands to the section each shows (`/tpm-salary: salary`)."""
        found: list[_CommandDraft] = []
        commands = self.mapping(node, "'commands'", None, "'/command: section-id' lines")
        for name, target in commands.items():
            if not _COMMAND.fullmatch(name):
                self.problem(
                    target,
                    f"command '{name}' must be a slash command in lower case, like '/tpm-salary'",
                )
                continue
            if name in BUILTIN_COMMANDS:
                self.problem(target, f"command '{name}' is the bot's own; pick another name")
                continue
            section = self.text(target, f"command '{name}'")
            if section is not None:
                found.append(_CommandDraft(name, section, self.path, _line(target)))
        return found

    def examples(self, node: yaml.Node) -> list[_ExampleDraft]:
        """`examples:` maps section ids to lists of questions that section answers."""
        found: list[_ExampleDraft] = []
        examples = self.mapping(node, "'examples'", None, "'section-id:' to lists of questions")
        for section_id, questions in examples.items():
            if not _ID.match(section_id):
                self.problem(questions, f"examples key '{section_id}' must be a section id")
                continue
            values, lines = self.text_list(questions, f"examples of '{section_id}'")
            for value, line in zip(values, lines, strict=True):
                if len(value) > MAX_EXAMPLE_CHARS:
                    self.problem(
                        line,
                        f"example of '{section_id}' is {len(value)} characters; keep examples "
                        f"under {MAX_EXAMPLE_CHARS}",
                    )
                else:
                    found.append(_ExampleDraft(Example(section_id, value), self.path, line))
        return found

    def guide(self, node: yaml.Node) -> GuideInfo:
        fields = self.mapping(node, "'guide'", _GUIDE_FIELDS)
        values = {k: self.text(v, f"guide {k}") or "" for k, v in fields.items()}
        return GuideInfo(**values)

    def section(self, node: yaml.Node, guide: GuideInfo) -> _Draft | None:
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
        following = self.text(fields["next"], f"{label} next") if "next" in fields else None
        parts, item_lines["parts"] = (
            self.text_list(fields["parts"], f"{label} parts") if "parts" in fields else ([], [])
        )
        self.check_lengths(fields, texts, label)
        self.check_message(fields, texts, section_id, guide, label)
        if section_id is None:
            return None
        # A section with problems still takes part in the checks across files (duplicate ids,
        # unknown related ids, claimed phrases), so one run reports every problem; the knowledge
        # base is only built when there are none.
        section = Section(
            id=section_id,
            title=texts.get("title") or "",
            summary=texts.get("summary") or "",
            body=texts.get("body") or "",
            source=texts.get("source") or "",
            aliases=tuple(lists.get("aliases", ())),
            questions=tuple(lists.get("questions", ())),
            related=tuple(lists.get("related", ())),
            comparison=comparison,
            guide=guide,
            next=following or "",
            parts=tuple(parts),
        )
        lines = {name: _line(n) for name, n in fields.items()}
        return _Draft(section, self.path, lines, item_lines)

    def comparison(self, node: yaml.Node, label: str) -> Comparison | None:
        fields = self.mapping(node, f"{label} comparison", ("left", "right", "rows"))
        for name in ("left", "right", "rows"):
            if name not in fields and isinstance(node, yaml.MappingNode):
                self.problem(node, f"{label} comparison is missing '{name}'")
        left = self.text(fields["left"], "comparison left") if "left" in fields else None
        right = self.text(fields["right"], "comparison right") if "right" in fields else None
        rows: list[ComparisonRow] = []
        row_nodes: list[yaml.Node] = []
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
                        if value is not None and len(value) > FIELD_LIMIT // 2:
                            self.problem(
                                row[key],
                                f"comparison cell is longer than {FIELD_LIMIT // 2} characters",
                            )
                    rows.append(ComparisonRow(**cells))  # type: ignore[arg-type]
                    row_nodes.append(row_node)
            self.check_comparison_fields(rows_node, left, right, rows, row_nodes, label)
        if left and right and rows:
            return Comparison(left, right, tuple(rows))
        return None

    def check_comparison_fields(
        self,
        rows_node: yaml.Node,
        left: str | None,
        right: str | None,
        rows: list[ComparisonRow],
        row_nodes: list[yaml.Node],
        label: str,
    ) -> None:
        """Each row is one Slack block of two fields, "*Column: aspect*" over the cell."""
        most = MESSAGE_BLOCK_LIMIT - ANSWER_FRAME_BLOCKS
        if len(rows) > most:
            self.problem(
                rows_node,
                f"{label} comparison has {len(rows)} rows; a Slack message shows {most}",
            )
        for row, row_node in zip(rows, row_nodes, strict=True):
            for column, cell in ((left, row.left), (right, row.right)):
                shown = len(f"*{column or ''}: {row.aspect}*\n{cell}")
                if shown > FIELD_LIMIT:
                    self.problem(
                        row_node,
                        f"{label} comparison row '{row.aspect[:40]}' is {shown} characters with its "
                        f"column name; Slack fields allow {FIELD_LIMIT}",
                    )

    def check_lengths(
        self, fields: dict[str, yaml.Node], texts: dict[str, str | None], label: str
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

    def check_message(
        self,
        fields: dict[str, yaml.Node],
        texts: dict[str, str | None],
        section_id: str | None,
        guide: GuideInfo,
        label: str,
    ) -> None:
        """The section as Slack shows it in full (bot/slack/blocks.py's `answer_reply`):
        header, summary, body blocks or comparison rows, buttons, source. Slack refuses the
        whole message if any part is over its limit, so the user would get nothing."""
        body = texts.get("body")
        if body:
            blocks = len(split_text(body))
            if blocks > MAX_BODY_BLOCKS:
                self.problem(
                    fields["body"],
                    f"{label} body is {len(body)} characters, {blocks} Slack blocks of at most "
                    f"{SECTION_TEXT_LIMIT}; a message shows {MAX_BODY_BLOCKS}, so split it into several sections",
                )
        if section_id and len(section_id) > BUTTON_VALUE_LIMIT:
            self.problem(
                fields["id"],
                f"{label} id is {len(section_id)} characters; Slack buttons carry at most {BUTTON_VALUE_LIMIT}",
            )
        source = texts.get("source")
        if source and len(source) + len(guide.title) + CITATION_FRAME > CONTEXT_TEXT_LIMIT:
            self.problem(
                fields["source"],
                f"{label} source is {len(source)} characters; with the guide title the citation "
                f"must fit Slack's {CONTEXT_TEXT_LIMIT}",
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
        references = [
            ("related", related, draft.item_lines["related"][index])
            for index, related in enumerate(section.related)
        ]
        if section.next:
            references.append(("next", section.next, draft.lines["next"]))
        references += [
            ("parts", part, draft.item_lines["parts"][index])
            for index, part in enumerate(section.parts)
        ]
        for kind, target, line in references:
            if target == section.id:
                problems.append(
                    Problem(draft.path, line, f"section '{section.id}' names itself as {kind}")
                )
            elif target not in first:
                close = get_close_matches(target, list(first), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.append(
                    Problem(draft.path, line, f"{kind} id '{target}' does not exist{hint}")
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


def _check_commands(commands: list[_CommandDraft], drafts: list[_Draft]) -> list[Problem]:
    """Every command shows a section that exists, and is defined once."""
    problems: list[Problem] = []
    ids = sorted({d.section.id for d in drafts})
    first: dict[str, _CommandDraft] = {}
    for command in commands:
        if command.name in first:
            other = first[command.name]
            problems.append(
                Problem(
                    command.path,
                    command.line,
                    f"command '{command.name}' is defined twice; first at {other.path}:{other.line}",
                )
            )
            continue
        first[command.name] = command
        if command.section not in ids:
            close = get_close_matches(command.section, ids, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(
                Problem(
                    command.path,
                    command.line,
                    f"command '{command.name}' shows unknown section '{command.section}'{hint}",
                )
            )
    return problems


def _check_examples(examples: list[_ExampleDraft], drafts: list[_Draft]) -> list[Problem]:
    """Every example names a section that exists, and says one thing: the same question under
    two sections (or as another section's question or alias) would teach the encoder both."""
    problems: list[Problem] = []
    ids = {d.section.id for d in drafts}
    owners: dict[str, tuple[str, str, int]] = {}
    for draft in drafts:
        for kind in ("questions", "aliases"):
            for index, phrase in enumerate(getattr(draft.section, kind)):
                owners.setdefault(
                    _claim_key(phrase),
                    (draft.section.id, draft.path, draft.item_lines[kind][index]),
                )
    for item in examples:
        section = item.example.section
        if section not in ids:
            close = get_close_matches(section, sorted(ids), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(
                Problem(item.path, item.line, f"examples for unknown section '{section}'{hint}")
            )
            continue
        key = _claim_key(item.example.text)
        owner = owners.get(key)
        if owner is None:
            owners[key] = (section, item.path, item.line)
        elif owner[0] == section:
            problems.append(
                Problem(
                    item.path,
                    item.line,
                    f"example '{item.example.text[:60]}' repeats {owner[1]}:{owner[2]}; keep one",
                )
            )
        else:
            problems.append(
                Problem(
                    item.path,
                    item.line,
                    f"example '{item.example.text[:60]}' is under '{section}' and under "
                    f"'{owner[0]}' ({owner[1]}:{owner[2]}); keep it under the section that answers it",
                )
            )
    return problems


def _check_not_covered(
    gaps: list[_GapDraft], examples: list[_ExampleDraft], drafts: list[_Draft]
) -> list[Problem]:
    """A question is either answered by a section or not covered, never both, and is marked
    not covered once: the encoder would otherwise learn both readings of the same words."""
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for draft in drafts:
        for kind in ("questions", "aliases"):
            for index, phrase in enumerate(getattr(draft.section, kind)):
                where = f"{draft.path}:{draft.item_lines[kind][index]}"
                owners.setdefault(_claim_key(phrase), f"section '{draft.section.id}' ({where})")
    for item in examples:
        owners.setdefault(
            _claim_key(item.example.text),
            f"examples of '{item.example.section}' ({item.path}:{item.line})",
        )
    marked: dict[str, str] = {}
    for gap in gaps:
        for question, line in zip(gap.gap.questions, gap.lines, strict=True):
            key = _claim_key(question)
            if key in owners:
                problems.append(
                    Problem(
                        gap.path,
                        line,
                        f"not_covered question '{question[:60]}' is answered by {owners[key]}; "
                        "keep it in one place",
                    )
                )
            elif key in marked:
                problems.append(
                    Problem(
                        gap.path,
                        line,
                        f"not_covered question '{question[:60]}' repeats {marked[key]}; keep one",
                    )
                )
            else:
                marked[key] = f"{gap.path}:{line}"
    return problems
