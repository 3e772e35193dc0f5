"""What the database holds after people have used the bot: no name, no user or channel id, and
no sentence anybody typed (with TPM_BOT_LOG_QUESTIONS=text, which a team opts into, cleaned
text is kept, but still no id). The whole database is dumped after a mixed run (mentions and DMs
with names in them, a follow-up, a vote, a 👎 reason, questions the guide cannot answer) and
searched."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from slack_harness import (
    InProcessBot,
    block_actions,
    reason_submission,
    send_event,
    signed_post,
)
from sqlalchemy import MetaData, select

from bot.core.holder import KnowledgeHolder
from bot.slack.blocks import FEEDBACK

USER = "U0PRIVATE9"
DM = "D0PRIVATE7"
CHANNEL = "C0PRIVATE5"
SAID = [
    "Priya Sharmaji here from Zeta Corp, what would a TPM earn?",
    "Rohitkumar at Flipkart Bangalore asking: how do I become a TPM?",
    "my manager Anand Vellore says TPMs get 40 leaves in Pune, true?",
]


def event(text: str, ts: str, channel: str, **extra: str) -> dict:
    kind = "message" if channel == DM else "app_mention"
    body = {"type": kind, "user": USER, "text": text, "ts": ts, "channel": channel, **extra}
    if channel == DM:
        body["channel_type"] = "im"
    return body


def dump(store) -> str:
    """Every value in every table, as text."""
    tables = MetaData()
    tables.reflect(store.engine)
    rows = []
    with store.engine.connect() as connection:
        for table in tables.sorted_tables:
            rows += [" ".join(map(str, row)) for row in connection.execute(select(table))]
    return "\n".join(rows)


@pytest.mark.parametrize("mode", ["terms", "text"])
def test_the_database_keeps_no_name_id_or_sentence_anyone_typed(
    slack, matcher, store_at, mode
) -> None:
    slack.reset()
    store = store_at(keep_question_text=mode == "text")
    store.upgrade()
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher), store=store)
    try:
        send_event(bot, event(f"<@UBOT> {SAID[0]}", "1.1", CHANNEL), "EvQ1")
        send_event(bot, event(SAID[1], "2.1", DM), "EvQ2")
        slack.wait_for("chat.postMessage", count=1)
        send_event(bot, event("and the salary for that?", "2.2", DM), "EvQ3")
        send_event(bot, event(f"<@UBOT> {SAID[2]}", "3.1", CHANNEL), "EvQ4")
        posted = slack.wait_for("chat.postMessage", count=4)[0]
        feedback = next(b for b in posted["blocks"] if b.get("block_id") == "feedback")
        value = feedback["elements"][0]["negative_button"]["value"]
        container = {"type": "message", "channel_id": CHANNEL, "message_ts": "1.2"}
        payload = block_actions(FEEDBACK, value, container, f"{slack.url}/response/1")
        payload["user"] = {"id": USER}
        payload["actions"][0]["type"] = "feedback_buttons"
        signed_post(
            bot, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        about = json.dumps({"answer": f"{CHANNEL}:1.2", "team": "T1"})
        form = reason_submission("Priya wanted Zeta Corp pay", about, user=USER)
        signed_post(bot, form, "application/x-www-form-urlencoded")
        bot.wait_for_output("kind=feedback_reason")
        bot.finish_replies()
        store.flush()
        everything = dump(store)
    finally:
        bot.close()
    assert "salary-india" in everything and "how-to-become" in everything  # rows were kept
    for slack_id in (USER, DM, CHANNEL):
        assert slack_id.lower() not in everything.lower(), slack_id
    if mode == "text":
        return  # a team that opts in keeps cleaned text, names and all; never ids
    for name in ("Priya", "Sharmaji", "Zeta", "Rohitkumar", "Anand", "Vellore"):
        assert name.lower() not in everything.lower(), name
    for sentence in SAID:
        assert sentence.lower() not in everything.lower()
