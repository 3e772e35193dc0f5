"""Exactly one reply per question when Slack's Web API misbehaves: rate limits, server errors,
`ok: false`, and redelivered events arriving at the same time. In process, against the fake API,
except where only a real server shows it."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from slack_harness import (
    APP_TOKEN,
    BOT_TOKEN,
    SECRET,
    BotProcess,
    click,
    mention,
    send_event,
)

from bot.slack.logs import RedactingFormatter


def test_a_rate_limited_reply_waits_for_retry_after_and_is_delivered_once(bot, slack) -> None:
    slack.fail("chat.postMessage", status=429, error="ratelimited", headers={"Retry-After": "1"})
    assert send_event(bot, mention("<@UBOT> what is a tpm", "1.1"), "EvF1")[0] == 200
    [message] = slack.wait_for("chat.postMessage")
    assert message["thread_ts"] == "1.1"
    throttled, delivered = slack.attempts_to("chat.postMessage")
    assert throttled.status == 429 and delivered.ok
    assert delivered.at - throttled.at >= 0.95
    bot.finish_replies()
    assert len(slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, "internal_error"),
        (503, "service_unavailable"),
        (200, "not_in_channel"),
        (200, "channel_not_found"),
        (200, "is_archived"),
    ],
)
def test_a_failed_reply_is_logged_with_context_and_the_bot_keeps_answering(
    bot, slack, status, error
) -> None:
    slack.fail("chat.postMessage", status=status, error=error)
    event_id = f"EvF2-{error}"
    assert send_event(bot, mention("<@UBOT> tpm salary", "2.1", "C9"), event_id)[0] == 200
    bot.wait_for_output(f"kind=api_error method=chat.postMessage status={status} error={error}")
    line = next(
        line for line in bot.output.splitlines() if event_id in line and "api_error" in line
    )
    assert "channel=C9" in line and "tpm salary" not in line
    assert "Traceback" not in bot.output

    assert send_event(bot, mention("<@UBOT> tpm salary", "2.2"), f"{event_id}-next")[0] == 200
    [message] = slack.wait_for("chat.postMessage")
    assert message["thread_ts"] == "2.2"


def test_share_in_a_channel_the_bot_is_not_in_explains_how_to_invite_it(bot, slack) -> None:
    slack.reset()
    slack.fail("chat.postMessage", error="not_in_channel")
    container = {"type": "message", "message_ts": "3.1", "channel_id": "C7", "is_ephemeral": True}
    click(bot, slack.url, "share", "levels", container, channel={"id": "C7"})
    [response] = slack.wait_for("response_url")
    assert response["response_type"] == "ephemeral"
    assert "/invite <@UBOT>" in response["text"]
    assert slack.calls_to("chat.postMessage") == []


def test_concurrent_redeliveries_of_one_event_get_one_reply(bot, slack) -> None:
    event = mention("<@UBOT> how do I become a tpm", "4.1")
    statuses: list[int] = []

    def deliver(attempt: int) -> None:
        headers = {"X-Slack-Retry-Num": str(attempt)} if attempt else {}
        statuses.append(send_event(bot, event, "EvF4", headers=headers)[0])

    threads = [threading.Thread(target=deliver, args=(n % 3,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12
    bot.finish_replies()
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_logs_never_show_the_tokens_or_the_signing_secret(slack) -> None:
    process = BotProcess("serve", slack.url, LOG_LEVEL="DEBUG")
    try:
        process.wait_until_healthy()
        slack.reset()
        send_event(process.base, mention("<@UBOT> levels", "5.1"), "EvF5")
        slack.wait_for("chat.postMessage")
        process.wait_for_output("kind=mention")
    finally:
        process.stop()
    assert "kind=start" in process.output and "kind=mention" in process.output
    assert BOT_TOKEN not in process.output and SECRET not in process.output


def test_the_log_formatter_redacts_tokens_in_messages_arguments_and_tracebacks() -> None:
    formatter = RedactingFormatter([SECRET, None])
    try:
        raise RuntimeError(f"bad token {BOT_TOKEN}")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "using %s and %s", (APP_TOKEN, SECRET), sys.exc_info()
        )
    text = formatter.format(record)
    assert "[redacted]" in text and "RuntimeError" in text
    assert BOT_TOKEN not in text and APP_TOKEN not in text and SECRET not in text
