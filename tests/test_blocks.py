"""How replies look in Slack: escaped knowledge text, natural citations, the body in the first
reply, short topic lists, and Slack's limits kept for a knowledge base of any size."""

from __future__ import annotations

import json

import pytest
from helpers import slack_limit_problems

from bot.core.matcher import Matcher
from bot.core.models import GuideInfo, KnowledgeBase, Section
from bot.core.replies import compose, help_reply, section_reply
from bot.slack.blocks import escape_mrkdwn, home_view, label, render_blocks


def make_section(number: int, **fields: object) -> Section:
    values: dict[str, object] = {
        "id": f"topic-{number}",
        "title": f"Topic number {number} about team practice",
        "summary": f"Summary {number}.",
        "body": f"Body {number}.",
        "aliases": (f"alias {number}",),
        "questions": (f"what is topic {number}?",),
        "related": (),
        "source": f"Handbook > {number}. Topic {number}",
        "guide": GuideInfo("Team handbook", "Acme", "https://example.com/handbook"),
    }
    values.update(fields)
    return Section(**values)  # type: ignore[arg-type]


def texts(message: dict) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def test_knowledge_text_is_escaped_for_mrkdwn_but_its_links_are_kept() -> None:
    section = make_section(
        1,
        summary="R&D teams with <5 yrs & more > less.",
        body="See <https://example.com/a?b=1&c=2|the R&D page> and <mailto:x@example.com>.",
        source="What Does a TPM do? > a. Defining the Roadmap",
    )
    kb = KnowledgeBase((section,))
    rendered = texts(render_blocks(section_reply(section, kb)).as_kwargs())
    assert "R&amp;D teams with &lt;5 yrs &amp; more &gt; less." in rendered
    assert "<https://example.com/a?b=1&c=2|the R&amp;D page>" in rendered
    assert "<mailto:x@example.com>" in rendered
    assert "Defining the Roadmap" in rendered and "&gt; a." not in rendered


def test_escape_leaves_plain_text_alone() -> None:
    assert escape_mrkdwn("*bold* • bullet") == "*bold* • bullet"


def test_the_citation_reads_naturally_and_links_to_the_guide() -> None:
    section = make_section(2)
    message = render_blocks(section_reply(section, KnowledgeBase((section,)))).as_kwargs()
    [context] = [b for b in message["blocks"] if b["type"] == "context"]
    assert context["elements"][0]["text"] == (
        "Source: Acme, _<https://example.com/handbook|Team handbook>_ — Topic 2"
    )


def test_an_answer_shows_the_whole_short_section_and_its_caveats(matcher) -> None:
    reply = compose(matcher.match("how much does a tpm earn in india"), matcher.kb)
    message = render_blocks(reply).as_kwargs()
    rendered = texts(message)
    assert "₹26.5 lakh" in rendered
    body_tail = matcher.kb["salary-india"].body.splitlines()[-1]
    assert escape_mrkdwn(body_tail) in rendered, "the last line of the body (its caveat) shows"
    assert "show_full" not in rendered


def test_a_long_section_offers_the_rest_behind_a_button() -> None:
    section = make_section(3, body="A sentence that goes on. " * 200)
    message = render_blocks(section_reply(section, KnowledgeBase((section,)))).as_kwargs()
    assert "show_full:0" in texts(message)
    full = render_blocks(section_reply(section, KnowledgeBase((section,))), full=True)
    assert "show_full" not in texts(full.as_kwargs())
    assert slack_limit_problems(full.as_kwargs()) == []


def test_no_match_offers_the_three_nearest_topics_and_a_way_to_see_all(matcher) -> None:
    reply = compose(matcher.match("how do I become a pilot?"), matcher.kb)
    message = render_blocks(reply).as_kwargs()
    buttons = [
        e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("show_section")
    ]
    assert len(buttons) <= 3
    assert "show_topics" in texts(message)
    assert message["text"].startswith("The guide doesn't cover that")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Short title", "Short title"),
        ("x" * 75, "x" * 75),
        (
            "How to become a Technical Product Manager when you come from a support background",
            "How to become a Technical Product Manager when you come from a support…",
        ),
        ("y" * 90, "y" * 74 + "…"),
    ],
)
def test_labels_are_cut_at_a_word_with_an_ellipsis(text: str, expected: str) -> None:
    assert label(text) == expected
    assert len(label(text)) <= 75


@pytest.fixture(scope="module")
def big_kb() -> KnowledgeBase:
    sections = tuple(
        make_section(n, title=f"A rather long topic title number {n} " + "word " * 12)
        for n in range(500)
    )
    return KnowledgeBase(sections)


def test_a_500_section_knowledge_base_keeps_every_message_within_slacks_limits(big_kb) -> None:
    matcher = Matcher(big_kb)
    replies = {
        "help": help_reply(big_kb),
        "none": compose(matcher.match("how do I become a pilot?"), big_kb),
        "answer": section_reply(big_kb.sections[7], big_kb),
    }
    for name, reply in replies.items():
        message = render_blocks(reply, shareable=True).as_kwargs()
        assert slack_limit_problems(message) == [], name
    help_message = render_blocks(replies["help"]).as_kwargs()
    options = [
        o["value"]
        for b in help_message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "static_select"
        for o in e["options"]
    ]
    assert options == [s.id for s in big_kb.sections], "every topic can still be picked"


def test_the_home_tab_pages_through_a_500_section_knowledge_base(big_kb) -> None:
    seen = []
    page = 0
    while True:
        view = home_view(big_kb, page)
        assert slack_limit_problems({"text": "home", **view}, max_blocks=100) == []
        buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
        seen += [e["value"] for e in buttons if e["action_id"].startswith("show_section")]
        following = [e for e in buttons if e["action_id"] == "home_page:next"]
        if not following:
            break
        page = int(following[0]["value"])
    assert seen == [s.id for s in big_kb.sections]
