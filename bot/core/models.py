"""The knowledge base as plain data: what loaders produce and everything else reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GuideInfo:
    """Where a file's facts come from, so replies can credit it."""

    title: str = ""
    publisher: str = ""
    link: str = ""
    contact: str = ""


@dataclass(frozen=True)
class ComparisonRow:
    aspect: str
    left: str
    right: str


@dataclass(frozen=True)
class Comparison:
    """A two-column view (PM vs TPM) that Slack can show side by side instead of as prose."""

    left: str
    right: str
    rows: tuple[ComparisonRow, ...]


@dataclass(frozen=True)
class Section:
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
    guide: GuideInfo = field(default_factory=GuideInfo)
    origin: str = ""


@dataclass(frozen=True)
class Problem:
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


@dataclass(frozen=True)
class KnowledgeBase:
    sections: tuple[Section, ...]
    files: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.sections})

    def get(self, section_id: str) -> Section | None:
        return self._by_id.get(section_id)  # type: ignore[attr-defined]

    def __getitem__(self, section_id: str) -> Section:
        return self._by_id[section_id]  # type: ignore[attr-defined]

    def __contains__(self, section_id: str) -> bool:
        return section_id in self._by_id  # type: ignore[attr-defined]
