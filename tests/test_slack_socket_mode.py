"""End to end over Socket Mode: `tpm-bot socket` opens its connection through the fake Web API's
`apps.connections.open`, then receives envelopes from a fake Socket Mode server on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
from fake_slack import FakeSlack
from fake_socket_mode import FakeSocketMode
from slack_harness import (
    APP_TOKEN,
    BotProcess,
    block_actions,
    command_fields,
    event_callback,
    mention,
)


@pytest.fixture(scope="module")
def sockets():
    fake = FakeSocketMode()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def slack(sockets):
    fake = FakeSlack()
    fake.socket_url = sockets.url
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def bot(slack, sockets):
    process = BotProcess("socket", slack.url, SLACK_SIGNING_SECRET="")
    if not sockets.connected.wait(30):
        process.stop()
        raise AssertionError(f"the bot never connected; output:\n{process.output}")
    yield process
    process.stop()
    print(process.output)


def test_the_connection_is_opened_with_the_app_token(bot, slack) -> None:
    [opened] = slack.attempts_to("apps.connections.open")
    assert opened.ok
    assert APP_TOKEN not in bot.output


def test_a_mention_envelope_is_acknowledged_and_answered_in_a_thread(bot, slack, sockets) -> None:
    slack.reset()
    envelope = sockets.deliver(
        "events_api", event_callback(mention("<@UBOT> what does a TPM earn?", "10.1"), "EvS1")
    )
    assert sockets.wait_for_ack(envelope)["envelope_id"] == envelope
    [message] = slack.wait_for("chat.postMessage")
    assert message["channel"] == "C1" and message["thread_ts"] == "10.1"
    assert message["text"].startswith("Technical Product Manager salary in India")


def test_a_slash_command_envelope_is_acknowledged_and_answered_ephemerally(
    bot, slack, sockets
) -> None:
    slack.reset()
    payload = command_fields("/tpm", "senior vs mid level?", f"{slack.url}/response/s1")
    envelope = sockets.deliver("slash_commands", payload, accepts_response_payload=True)
    sockets.wait_for_ack(envelope)
    [response] = slack.wait_for("response_url")
    assert response["response_type"] == "ephemeral"
    assert "blocks" in response and response["text"]


def test_a_button_envelope_is_acknowledged_and_answered(bot, slack, sockets) -> None:
    slack.reset()
    container = {"type": "message", "message_ts": "11.1", "channel_id": "C1", "is_ephemeral": True}
    payload = block_actions(
        "show_section:0", "pm-vs-tpm", container, f"{slack.url}/response/s2", channel={"id": "C1"}
    )
    sockets.wait_for_ack(sockets.deliver("interactive", payload))
    [response] = slack.wait_for("response_url")
    assert response["text"].startswith("Product Manager vs Technical Product Manager")


def test_a_redelivered_envelope_is_answered_once(bot, slack, sockets) -> None:
    slack.reset()
    body = event_callback(mention("<@UBOT> tpm levels", "12.1"), "EvS2")
    first = sockets.deliver("events_api", body)
    second = sockets.deliver("events_api", body)
    sockets.wait_for_ack(first)
    sockets.wait_for_ack(second)
    slack.wait_for("chat.postMessage")
    time.sleep(0.5)
    assert len(slack.calls_to("chat.postMessage")) == 1
