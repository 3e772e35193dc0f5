"""What the bot says: one reply model that the terminal and Block Kit renderers only lay out.

Every decision about content lives here (which sections, which caveat first, which topics to
offer, how to say that the guide is silent), so Slack and the terminal never disagree and a
renderer never has to look at a match result.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from bot.core.matcher import MatchResult
from bot.core.models import KnowledgeBase, Section

if TYPE_CHECKING:
    from typing import Literal

    ReplyKind = Literal["answer", "partial", "suggest", "none", "help", "thanks"]

BOT_NAME = "tpm-bot"
HELP_INTRO = (
    "I answer questions about the Technical Product Manager (TPM) role from the guide "
    "“Who is a Technical Product Manager? A Complete Guide”."
)
EXAMPLE_QUESTIONS = (
    "What does a TPM do?",
    "How is a TPM different from a product manager?",
    "What does a senior TPM do?",
    "How much does a TPM earn in India?",
    "How do I become a TPM?",
)
NOT_COVERED = "The guide doesn't cover that, so I'd rather not guess."
NEAREST_INTRO = "The nearest topics it does cover:"
TOPICS_HEADING = "Topics I know:"
EXAMPLES_HEADING = "Ask in your own words, for example:"
SUGGEST_INTRO = "I'm not sure which topic you mean. Did you mean one of these?"
THANKS = "Glad it helped! Ask me anything else about the TPM role."
#: How many topics a "did you mean" or "not covered" reply offers.
MAX_OPTIONS = 3
#: Sections whose body is at most this long are shown whole in the first reply; longer ones
#: show their summary and offer the rest behind a button.
INLINE_BODY_CHARS = 1500
MAX_RELATED = 3


class Citation(NamedTuple):
    """Where an answer comes from: publisher, guide title (linked when known) and the part."""

    publisher: str
    title: str
    link: str
    part: str


class Reply(NamedTuple):
    """One reply, decided. Hashable, so renderers may cache what they build from it."""

    kind: ReplyKind
    #: Said first: what the guide does not cover, or a question back to the asker.
    lead: str = ""
    #: Sections to show, the main answer first (two for a two-part question).
    sections: tuple[Section, ...] = ()
    #: Whether the sections are shown whole (else summary first, the body behind a button).
    inline_bodies: bool = True
    #: Topics offered to pick from (suggestions, nearest topics, or every topic for help).
    options: tuple[Section, ...] = ()
    #: Said above the options.
    options_heading: str = ""
    #: Whether to offer the complete topic list on top of `options`.
    more_topics: bool = False
    #: Further reading after the answer.
    related: tuple[Section, ...] = ()
    #: Example questions (help).
    examples: tuple[str, ...] = ()
    #: A channel id where a person can take over, offered when the bot cannot help.
    handoff: str = ""

    @property
    def section(self) -> Section | None:
        return self.sections[0] if self.sections else None


def short_title(section: Section) -> str:
    """The last part of a section's source, without its list number ("2. ", "b. "): the heading
    a reader would look for in the guide."""
    return _NUMBERING.sub("", section.source.rsplit(" > ", 1)[-1].strip())


_NUMBERING = re.compile(r"^(?:\d+|[a-z])\.\s+")


def citation(section: Section) -> Citation:
    guide = section.guide
    return Citation(guide.publisher, guide.title, guide.link, short_title(section))


def related_of(sections: tuple[Section, ...], kb: KnowledgeBase) -> tuple[Section, ...]:
    """Related topics of every shown section, in order, without repeats or shown ones."""
    shown = {s.id for s in sections}
    related: dict[str, Section] = {}
    for section in sections:
        for related_id in section.related:
            other = kb.get(related_id)
            if other is not None and other.id not in shown:
                related.setdefault(other.id, other)
    return tuple(related.values())[: MAX_RELATED * len(sections)]


def section_reply(section: Section, kb: KnowledgeBase, *, lead: str = "") -> Reply:
    """A topic picked by button or command, or the answer to a question."""
    return sections_reply((section,), kb, lead=lead)


def sections_reply(
    sections: tuple[Section, ...], kb: KnowledgeBase, *, lead: str = "", kind: ReplyKind = "answer"
) -> Reply:
    # One section is shown whole when short; two (a two-part question) stay compact, each its
    # summary with the rest behind a button, so the reply reads as one answer.
    inline = len(sections) == 1 and len(sections[0].body) <= INLINE_BODY_CHARS
    return Reply(
        kind="partial" if lead else kind,
        lead=lead,
        sections=sections,
        inline_bodies=inline,
        related=related_of(sections, kb),
    )


def help_reply(kb: KnowledgeBase) -> Reply:
    return Reply(
        kind="help",
        lead=HELP_INTRO,
        options=kb.sections,
        options_heading=TOPICS_HEADING,
        examples=EXAMPLE_QUESTIONS,
    )


def thanks_reply() -> Reply:
    return Reply(kind="thanks", lead=THANKS)


def not_covered_lead(missing: str) -> str:
    return f"The guide doesn't cover {missing}. Here is the closest it does cover."


def suggested_questions(kb: KnowledgeBase, count: int = 5) -> tuple[str, ...]:
    """The most useful questions to offer: one each from the sections other sections point to
    most (the hubs of the guide), so a team's own knowledge base gets its own suggestions."""
    pointed_to: dict[str, int] = {}
    for section in kb.sections:
        for related_id in section.related:
            pointed_to[related_id] = pointed_to.get(related_id, 0) + 1
    order = {s.id: n for n, s in enumerate(kb.sections)}
    ranked = sorted(
        (s for s in kb.sections if s.questions),
        key=lambda s: (-pointed_to.get(s.id, 0), order[s.id]),
    )
    return tuple(s.questions[0] for s in ranked[:count])


def compose(result: MatchResult, kb: KnowledgeBase, *, handoff: str = "") -> Reply:
    """Decide what to say about a match result. `handoff` is a channel where people help, offered
    when the guide has nothing."""
    if result.intent == "help":
        return help_reply(kb)
    if result.intent == "thanks":
        return thanks_reply()
    section = result.section
    if section is not None:
        shown = (section, *(s for s in result.also if s.id != section.id))
        lead = (
            not_covered_lead(result.not_covered or "all of that")
            if result.status == "partial"
            else ""
        )
        return sections_reply(shown, kb, lead=lead)
    options = tuple(c.section for c in result.candidates[:MAX_OPTIONS])
    if result.status == "suggest":
        return Reply(kind="suggest", lead=SUGGEST_INTRO, options=options, more_topics=True)
    if result.not_covered:
        # Another meaning of "TPM" (a security chip, factory maintenance): say so, and offer
        # nothing "nearest", which would only be the role's topics under the same letters.
        return Reply(
            kind="none",
            lead=f"The guide doesn't cover {result.not_covered}.",
            more_topics=True,
            handoff=handoff,
        )
    heading = NEAREST_INTRO if options else ""
    return Reply(
        kind="none",
        lead=NOT_COVERED,
        options=options,
        options_heading=heading,
        more_topics=True,
        handoff=handoff,
    )
