"""Slack markup is removed before matching; what a person typed is kept."""

from __future__ import annotations

import pytest

from bot.core.markup import MAX_QUESTION_CHARS, clean_slack_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<@U024BE7LH> what is a TPM?", "what is a TPM?"),
        ("<@U024BE7LH|alice> hi", "hi"),
        ("see <#C123ABC|general> for salary", "see for salary"),
        ("<!here> <!channel> <!subteam^S123|@team> levels?", "levels?"),
        ("read <https://example.com/tpm|the TPM guide> please", "read the TPM guide please"),
        ("link <https://example.com/x> only", "link only"),
        (":wave: what does a senior tpm do :thinking_face:", "what does a senior tpm do"),
        ("*bold* _italic_ ~strike~ `code` ```block```", "bold italic strike code block"),
        ("pm &amp; tpm &lt;difference&gt;", "pm & tpm <difference>"),
        ("&gt; quoted question\nsecond line", "quoted question second line"),
        ("tabs\tand\nnew\r\nlines", "tabs and new lines"),
        ("zero\u200bwidth \u202eRTL override", "zero width RTL override"),
    ],
)
def test_markup_is_removed_and_words_are_kept(raw: str, clean: str) -> None:
    assert clean_slack_text(raw) == clean


def test_huge_messages_are_capped_before_any_work() -> None:
    assert len(clean_slack_text("salary " * 10_000)) <= MAX_QUESTION_CHARS


def test_malformed_angle_markup_is_left_as_text() -> None:
    assert clean_slack_text("a < b and <unclosed salary") == "a < b and <unclosed salary"
