"""Properties that hold for every input, checked with hypothesis: cleaning, matching, rendering
and loading never raise; every message fits Slack's limits with a text fallback; nothing a user
typed comes back as live markup."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from helpers import BROADCASTS, slack_limit_problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.loader import load_knowledge
from bot.core.markup import MAX_QUESTION_CHARS, clean_slack_text
from bot.core.models import KnowledgeError
from bot.core.plaintext import render_text
from bot.core.replies import compose, section_reply
from bot.slack.blocks import home_view, render_blocks

SLACK_MARKUP = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@UEVIL>",
    "<@UEVIL|mallory>",
    "<#CEVIL|general>",
    "<!subteam^SEVIL|@team>",
    "<https://evil.example|click>",
    "&lt;!channel&gt;",
    "&amp;",
    "*",
    "_",
    "`",
    ":tada:",
    "<",
    ">",
    "\n",
    "\u202e",
]
GUIDE_WORDS = [
    "what",
    "does",
    "a",
    "tpm",
    "technical",
    "product",
    "manager",
    "salary",
    "india",
    "become",
    "senior",
    "levels",
    "skills",
    "vs",
    "pm",
    "engineer",
    "roadmap",
    "director",
    "duties",
    "how",
]

#: Questions built from arbitrary text, Slack markup and the guide's own words, so that every
#: decision (answer, did you mean, not covered, help) is reached.
questions = st.lists(
    st.one_of(st.text(max_size=40), st.sampled_from(SLACK_MARKUP), st.sampled_from(GUIDE_WORDS)),
    max_size=25,
).map(" ".join)

common = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(st.text(max_size=3_000))
def test_cleaning_never_raises_and_leaves_one_short_line(text: str) -> None:
    cleaned = clean_slack_text(text)
    assert len(cleaned) <= MAX_QUESTION_CHARS
    assert "\n" not in cleaned and cleaned == cleaned.strip()
    assert not any(ord(c) < 32 or 0x202A <= ord(c) <= 0x202E for c in cleaned)


@common
@given(questions)
def test_matching_never_raises_and_ranks_candidates(matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.status in ("answer", "partial", "suggest", "none")
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    assert len({c.section.id for c in result.candidates}) == len(scores)
    if result.status == "answer":
        assert result.section is result.candidates[0].section


@common
@given(questions, st.booleans())
def test_every_reply_fits_slack_and_never_carries_user_markup(
    matcher, kb, question: str, shareable: bool
) -> None:
    result = matcher.match(question)
    reply = compose(result, kb)
    message = render_blocks(reply, shareable=shareable).as_kwargs()
    assert slack_limit_problems(message) == []
    rendered = json.dumps(message, ensure_ascii=False)
    assert not any(marker in rendered for marker in BROADCASTS)
    assert "EVIL" not in rendered and "evil.example" not in rendered
    assert render_text(reply).strip()


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("shared_by", [None, "U1"])
def test_every_section_renders_within_limits_in_every_form(kb, full, shared_by) -> None:
    for section in kb.sections:
        reply = section_reply(section, kb)
        message = render_blocks(reply, shareable=True, full=full, shared_by=shared_by).as_kwargs()
        assert slack_limit_problems(message) == [], section.id
    assert slack_limit_problems({"text": "home", **home_view(kb)}) == []


yaml_like = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            [
                "sections:",
                "guide:",
                "  - id: x",
                "    title: T",
                "    summary: S",
                "    body: B",
                "    aliases: [a]",
                "    questions: [q?]",
                "    related: [nope]",
                "    source: s",
                "  -",
                "[",
                "{",
                ":",
                "&anchor",
                "*anchor",
                "!!python/object:os.system",
                "\t",
            ]
        ),
    ),
    max_size=30,
).map("\n".join)


@settings(max_examples=150, deadline=None)
@given(st.one_of(yaml_like, st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_loading_any_file_gives_knowledge_or_located_problems(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "team.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            kb = load_knowledge([path], include_shipped=False)
        except KnowledgeError as error:
            assert error.problems
            assert all(str(p).startswith(f"{path}:") for p in error.problems)
        else:
            assert all(section.id for section in kb.sections)
