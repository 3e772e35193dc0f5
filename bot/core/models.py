"""The knowledge base as plain data: what loaders produce and everything else reads.

Records are immutable NamedTuples rather than dataclasses: they are built once, never changed,
and unpickled from the start-up cache on every CLI run, and importing `dataclasses` (which pulls
in `inspect`) alone would cost the CLI a sixth of its start-up budget.
"""

from typing import NamedTuple


class GuideInfo(NamedTuple):
    """Where a file's facts come from, so replies can credit it."""

    title: str = ""
    publisher: str = ""
    link: str = ""
    contact: str = ""


class ComparisonRow(NamedTuple):
    aspect: str
    left: str
    right: str


class Comparison(NamedTuple):
    """A two-column view (PM vs TPM) that Slack can show side by side instead of as prose."""

    left: str
    right: str
    rows: tuple[ComparisonRow, ...]


class Section(NamedTuple):
    """One answerable topic: the unit the matcher picks and a reply shows."""

    id: str
    title: str
    summary: str
    body: str
    aliases: tuple[str, ...]
    questions: tuple[str, ...]
    related: tuple[str, ...]
    source: str
    comparison: Comparison | None = None
    guide: GuideInfo = GuideInfo()
    #: The section that comes after this one in a sequence (step 1 -> step 2, mid -> senior),
    #: so "and after that?" has an answer; "" when none does.
    next: str = ""
    #: The sections an overview lists, in its order (the levels, the steps): what "the second
    #: one" or `/tpm-levels senior` picks from.
    parts: tuple[str, ...] = ()


class Example(NamedTuple):
    """A question someone asked, labelled with the section that answers it: what the sentence
    encoder learns from (a section's title, aliases and questions count as examples too)."""

    section: str
    text: str


class NotCovered(NamedTuple):
    """Questions a maintainer marked as not in the guide, and what the guide lacks for them:
    the bot says "The guide doesn't cover <note>." to them and to their paraphrases, instead
    of offering the nearest topics (a team's own gaps, beside the word list's)."""

    note: str
    questions: tuple[str, ...]


class Problem(NamedTuple):
    """One thing wrong with a knowledge file, located so an editor can jump to it."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """Raised with every problem found, so one run of `validate` shows them all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class KnowledgeBase:
    """The loaded sections in file order, with look-up by id."""

    __slots__ = (
        "_by_id",
        "_overview_of",
        "added",
        "commands",
        "examples",
        "files",
        "not_covered",
        "sections",
    )

    def __init__(
        self,
        sections: tuple[Section, ...],
        files: tuple[str, ...] = (),
        added: frozenset[str] = frozenset(),
        examples: tuple[Example, ...] = (),
        commands: dict[str, str] | None = None,
        not_covered: tuple[NotCovered, ...] = (),
    ) -> None:
        self.sections = sections
        #: What the files' `not_covered:` lists mark as not in the guide, in file order.
        self.not_covered = not_covered
        #: Slash commands that show one section, from the files' `commands:` mappings.
        self.commands = dict(commands or {})
        self.files = files
        #: Labelled example questions from the files' `examples:` mappings, in file order.
        self.examples = examples
        #: Ids of the sections a team added on top of the shipped guide: what the word list
        #: says the guide lacks, such a section may well cover.
        self.added = added
        self._by_id = {s.id: s for s in sections}
        self._overview_of = {part: s for s in sections for part in s.parts}

    def overview_of(self, section_id: str) -> Section | None:
        """The overview that lists `section_id` among its parts, if any."""
        return self._overview_of.get(section_id)

    def get(self, section_id: str) -> Section | None:
        return self._by_id.get(section_id)

    def __getitem__(self, section_id: str) -> Section:
        return self._by_id[section_id]

    def __contains__(self, section_id: object) -> bool:
        return section_id in self._by_id
