"""Real Slack traffic: who wrote a message, what the bot does not handle, and what reaches the log.

Payload shapes follow the request bodies in Slack's own bolt-python and python-slack-sdk test
suites. Everything runs in process against the fake Web API.
"""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest
from slack_harness import InProcessBot, block_actions, event_callback, send_event, signed_post

from bot.core.holder import KnowledgeHolder

#: A string no log line may ever contain: it stands for what a user typed.
MARKER = "zqxj-private-question-7731"


def dm(text: str, **extra: object) -> dict:
    return {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": text,
        "ts": "10.1",
        "channel": "D1",
        **extra,
    }


def settle(bot: InProcessBot) -> None:
    """Let every reply under way reach the fake API."""
    bot.finish_replies()


@pytest.mark.parametrize(
    ("event", "thread"),
    [
        (
            {
                "type": "app_mention",
                "subtype": "thread_broadcast",
                "user": "U1",
                "text": "<@UBOT> what does a senior tpm do?",
                "ts": "20.2",
                "thread_ts": "19.0",
                "channel": "C1",
                "root": {"ts": "19.0", "user": "U3", "text": "thread root"},
            },
            "19.0",
        ),
        (
            dm(
                "what does a senior tpm do?",
                subtype="file_share",
                files=[{"id": "F1", "name": "resume.pdf", "mimetype": "application/pdf"}],
                upload=False,
            ),
            None,
        ),
        (dm("what does a senior tpm do?", subtype="thread_broadcast", thread_ts="9.0"), "9.0"),
    ],
    ids=["mention also sent to channel", "dm with a file", "dm thread broadcast"],
)
def test_people_are_answered_whatever_the_message_subtype(bot, slack, event, thread) -> None:
    assert send_event(bot, event, "EvT1")[0] == 200
    [message] = slack.wait_for("chat.postMessage")
    assert message["text"].startswith("Senior Technical Product Manager")
    assert message.get("thread_ts") == thread


@pytest.mark.parametrize(
    "extra",
    [
        {"bot_id": "B2"},
        {"bot_profile": {"id": "B2", "name": "otherbot"}},
        {"subtype": "bot_message", "bot_id": "B2"},
        {"user": "UBOT"},  # the bot's own user id, from auth.test
        {"subtype": "message_changed", "message": {"text": "what is a tpm"}},
        {"subtype": "message_deleted", "previous_message": {"text": "what is a tpm"}},
        {"subtype": "channel_join"},
        {"subtype": "channel_topic"},
    ],
    ids=lambda extra: next(iter(extra.values())) if "subtype" in extra else next(iter(extra)),
)
def test_bots_the_bot_itself_and_system_messages_get_no_reply(bot, slack, extra) -> None:
    assert send_event(bot, dm("what is a tpm", **extra), "EvT2")[0] == 200
    settle(bot)
    assert slack.calls_to("chat.postMessage") == []
    assert "kind=message decision=ignored" in bot.output


@pytest.mark.parametrize(
    "event",
    [
        {"type": "reaction_added", "user": "U1", "reaction": "thumbsup", "item": {"ts": "1.1"}},
        {"type": "member_joined_channel", "user": "U1", "channel": "C1"},
        {"type": "channel_created", "channel": {"id": "C2", "name": "new"}},
        {"type": "function_executed", "function": {"callback_id": "f"}, "inputs": {}},
        {"type": "message", "channel_type": "channel", "user": "U1", "text": MARKER, "ts": "1"},
    ],
    ids=lambda event: (
        event["type"] + ("/" + event.get("channel_type", "") if "channel_type" in event else "")
    ),
)
def test_events_the_bot_does_not_handle_are_acknowledged_with_one_line(bot, slack, event) -> None:
    status, _ = send_event(bot, event, "EvT3")
    assert status == 200
    settle(bot)
    assert slack.calls_to("chat.postMessage") == []
    lines = [line for line in bot.output.splitlines() if "kind=" in line]
    assert len(lines) == 1 and ("ignored" in lines[0] or "quiet" in lines[0])
    assert "WARNING" not in bot.output and MARKER not in bot.output


def test_a_click_on_another_apps_button_and_a_dialog_are_acknowledged_quietly(bot, slack) -> None:
    payload = block_actions("other_app_button", MARKER, {"type": "message"}, f"{slack.url}/r")
    form = urlencode({"payload": json.dumps(payload)})
    assert signed_post(bot, form, "application/x-www-form-urlencoded")[0] == 200
    submission = {
        "type": "dialog_submission",
        "callback_id": "d1",
        "submission": {"question": MARKER},
        "user": {"id": "U1"},
        "team": {"id": "T1"},
        "channel": {"id": "C1"},
    }
    form = urlencode({"payload": json.dumps(submission)})
    assert signed_post(bot, form, "application/x-www-form-urlencoded")[0] == 200
    assert bot.output.count("kind=ignored") == 2
    assert MARKER not in bot.output and "WARNING" not in bot.output


@pytest.mark.parametrize("kind", ["app_uninstalled", "tokens_revoked"])
def test_uninstall_and_revoked_tokens_are_acknowledged_and_logged(bot, slack, kind) -> None:
    event = {"type": kind}
    if kind == "tokens_revoked":
        event["tokens"] = {"bot": ["UBOT"]}
    assert send_event(bot, event, "EvT4")[0] == 200
    bot.wait_for_output(f"kind={kind} decision=forgotten team=T1")


def test_no_log_line_at_any_level_carries_what_a_user_typed(slack, matcher) -> None:
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher), log_level="DEBUG")
    try:
        question = {
            "type": "app_mention",
            "user": "U1",
            "text": f"<@UBOT> {MARKER}",
            "ts": "1",
            "channel": "C1",
        }
        body = json.dumps(event_callback(question, "EvT5"))
        assert signed_post(bot, body, "application/json", secret="forged")[0] == 401
        assert signed_post(bot, body, "application/json", age=6 * 60)[0] == 401
        headers = {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}
        assert bot.post("/slack/events", body.encode(), headers)[0] == 401
        form_as_json = urlencode({"payload": json.dumps({"type": "x", "text": MARKER})})
        assert signed_post(bot, form_as_json, "application/json")[0] == 400
        assert send_event(bot, question, "EvT6")[0] == 200  # answered: the reply is logged
        bot.finish_replies()
        assert slack.calls_to("chat.postMessage")
    finally:
        bot.close()
    # Slack's libraries print whole bodies at DEBUG, so they stay at INFO whatever is asked.
    assert logging.getLogger("slack_sdk.web.base_client").level == logging.INFO
    assert MARKER not in bot.output
    assert "Traceback" not in bot.output


def test_refused_requests_are_logged_once_per_reason_then_counted(bot, slack) -> None:
    question = {"type": "app_mention", "user": "U1", "text": "hello\nforged line", "ts": "1"}
    body = json.dumps(event_callback(question, "EvT7"))
    started = time.monotonic()
    for _ in range(500):
        assert signed_post(bot, body, "application/json", secret="forged")[0] == 401
    assert time.monotonic() - started < 10
    refused = [line for line in bot.output.splitlines() if "kind=refused" in line]
    assert refused == [refused[0]] and "reason=bad_signature status=401" in refused[0]
    assert slack.calls_to("chat.postMessage") == []


def test_log_fields_cannot_forge_a_line() -> None:
    from bot.slack.logs import RedactingFormatter

    record = logging.LogRecord(
        "tpm_bot", logging.INFO, __file__, 1, "kind=x id=%s", ("a\nkind=forged\r",), None
    )
    assert RedactingFormatter([]).format(record).endswith("kind=x id=a\\nkind=forged\\r")
