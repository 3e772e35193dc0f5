"""👍 / 👎 on every answer, end to end in process against the fake Web API, on SQLite and on
PostgreSQL: recorded once per user per answer, shown as noted in the same message, a 👎 asks
what was missing, and a database that is down is admitted to the user."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from slack_harness import (
    InProcessBot,
    click,
    mention,
    reason_submission,
    send_command,
    send_event,
    signed_post,
)
from sqlalchemy import select

from bot.core.holder import KnowledgeHolder
from bot.slack.blocks import FEEDBACK, FEEDBACK_NOTE_BLOCK, FEEDBACK_REASON
from bot.store.models import FeedbackVote
from bot.store.store import Store


@pytest.fixture
def store_bot(slack, matcher, store_at):
    slack.reset()
    store = store_at(key="a-test-encryption-key-000")
    store.upgrade()
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher), store=store)
    yield bot, store
    bot.close()


def votes(store) -> list[FeedbackVote]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(FeedbackVote)).all())


def feedback_value(message: dict, helpful: bool) -> str:
    [block] = [b for b in message["blocks"] if b.get("block_id") == "feedback"]
    button = block["elements"][0]["positive_button" if helpful else "negative_button"]
    return button["value"]


def click_feedback(bot, slack, posted: dict, ts: str, helpful: bool, user: str = "U1"):
    value = feedback_value(posted, helpful)
    container = {"type": "message", "channel_id": "C1", "message_ts": ts, "is_ephemeral": False}
    message = {"ts": ts, "text": posted["text"], "blocks": posted["blocks"]}
    payload_user = {"id": user}
    from slack_harness import block_actions

    payload = block_actions(FEEDBACK, value, container, f"{slack.url}/response/2", message=message)
    payload["user"] = payload_user
    payload["actions"][0]["type"] = "feedback_buttons"
    form = urlencode({"payload": json.dumps(payload)})
    return signed_post(bot, form, "application/x-www-form-urlencoded")


def test_a_vote_is_recorded_noted_in_place_and_changed_by_a_second_click(store_bot, slack) -> None:
    bot, store = store_bot
    send_event(bot, mention("<@UBOT> what does a senior tpm do?", "700.1"), "EvFb1")
    [posted] = slack.wait_for("chat.postMessage")
    blocks = json.loads(posted["blocks"]) if isinstance(posted["blocks"], str) else posted["blocks"]
    posted = {"text": posted["text"], "blocks": blocks}
    assert blocks[-1]["elements"][0]["type"] == "feedback_buttons"

    assert click_feedback(bot, slack, posted, "700.2", helpful=True)[0] == 200
    bot.wait_for_output("kind=feedback decision=helpful section=level-senior")
    [update] = slack.wait_for("response_url")
    assert update["replace_original"] is True
    notes = [b for b in update["blocks"] if b.get("block_id") == FEEDBACK_NOTE_BLOCK]
    assert "this helped" in notes[0]["elements"][0]["text"]
    assert len(slack.calls_to("chat.postMessage")) == 1  # no new message

    click_feedback(bot, slack, posted, "700.2", helpful=False)
    bot.wait_for_output("kind=feedback decision=not_helpful")
    [vote] = votes(store)
    assert (vote.helpful, vote.section, vote.decision, vote.team) == (
        False,
        "level-senior",
        "answer",
        "T1",
    )
    assert vote.user_hash != "U1" and "U1" not in vote.user_hash and len(vote.user_hash) == 40
    [opened] = slack.wait_for("views.open")
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert view["callback_id"] == FEEDBACK_REASON

    # Another user's vote on the same answer is a second vote.
    click_feedback(bot, slack, posted, "700.2", helpful=True, user="U2")
    deadline = time.monotonic() + 10
    while len(votes(store)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sorted(v.helpful for v in votes(store)) == [False, True]

    # The 👎 modal's answer is kept as its gap terms (the default, TPM_BOT_LOG_QUESTIONS=terms):
    # no company, address or number anyone typed.
    form = reason_submission(
        "pay bands at Acme, ask bob@acme.com or +1 555 0100", view["private_metadata"]
    )
    assert signed_post(bot, form, "application/x-www-form-urlencoded")[0] == 200
    bot.wait_for_output("kind=feedback_reason decision=noted")
    [reason] = [v.reason for v in votes(store) if not v.helpful]
    assert reason == "bands pay"
    assert "pay bands" not in bot.output


def test_an_ephemeral_answer_is_noted_by_rendering_it_again(store_bot, slack) -> None:
    bot, store = store_bot
    send_command(bot, slack.url, "/tpm", "how much does a tpm earn in india")
    [answer] = slack.wait_for("response_url")
    value = feedback_value(answer, helpful=True)
    slack.reset()
    container = {"type": "message", "channel_id": "C1", "message_ts": "1.1", "is_ephemeral": True}
    click(bot, slack.url, FEEDBACK, value, container)
    [update] = slack.wait_for("response_url")
    assert update["replace_original"] is True
    assert any(b.get("block_id") == FEEDBACK_NOTE_BLOCK for b in update["blocks"])
    assert [v.section for v in votes(store)] == ["salary-india"]


def test_a_vote_the_database_cannot_take_is_admitted_to_the_user(slack, matcher) -> None:
    slack.reset()
    store = Store.open("postgresql+psycopg://postgres@127.0.0.1:1/none")
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher), store=store)
    try:
        container = {"type": "message", "channel_id": "C1", "message_ts": "1.1"}
        click(bot, slack.url, FEEDBACK, "good:answer:what-is-a-tpm", container)
        [told] = slack.wait_for("response_url")
        assert told["replace_original"] is False
        assert "couldn't record your feedback" in told["text"]
        bot.wait_for_output("kind=feedback decision=not_recorded")
    finally:
        bot.close()
        store.close()


def test_votes_through_either_of_two_instances_land_in_one_report(
    slack, matcher, store_at, database_url
) -> None:
    """Two instances share PostgreSQL: an answer from one is voted on through both, by two
    people, and `tpm-bot report --json` counts both votes."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several instances share PostgreSQL; SQLite is the single-instance default")
    from helpers import run_cli

    stores = [store_at(key="a-test-encryption-key-000") for _ in range(2)]
    stores[0].upgrade()
    bots = [InProcessBot(slack.url, KnowledgeHolder(matcher), store=store) for store in stores]
    try:
        slack.reset()
        send_event(bots[0], mention("<@UBOT> what does a senior tpm do?", "900.1"), "EvFb2")
        [posted] = slack.wait_for("chat.postMessage")
        assert click_feedback(bots[0], slack, posted, "900.1", helpful=True, user="U1")[0] == 200
        assert click_feedback(bots[1], slack, posted, "900.1", helpful=False, user="U2")[0] == 200
        for bot in bots:
            bot.finish_replies()
    finally:
        for bot in bots:
            bot.close()
    for store in stores:
        store.flush()
    report = json.loads(run_cli("report", "--json", env={"DATABASE_URL": database_url}).stdout)
    [senior] = [s for s in report["sections"] if s["id"] == "level-senior"]
    assert (senior["asked"], senior["helpful"], senior["not_helpful"]) == (1, 1, 1)
