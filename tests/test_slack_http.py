"""The Slack app end to end, in process: signed requests through the HTTP door into Bolt, replies
to a fake Slack Web API on 127.0.0.1. What only a real server shows is at the end."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from slack_harness import click, send_command, send_event, signed_post


@pytest.fixture
def server(bot):
    return bot


def all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_url_verification_echoes_the_challenge(server) -> None:
    status, body = signed_post(
        server, json.dumps({"type": "url_verification", "challenge": "abc"}), "application/json"
    )
    assert status == 200 and "abc" in body


def test_mention_is_answered_in_a_thread_under_the_question(server, slack) -> None:
    slack.reset()
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> what does a senior TPM do?",
        "ts": "100.1",
        "channel": "C1",
        "event_ts": "100.1",
    }
    status, _ = send_event(server, event, "Ev1")
    assert status == 200
    [message] = slack.wait_for("chat.postMessage")
    assert message["channel"] == "C1" and message["thread_ts"] == "100.1"
    assert message["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Senior Technical Product Manager"},
    }
    assert message["text"].startswith("Senior Technical Product Manager:")
    assert (
        "Source: Emeritus, _Who is a Technical Product Manager? A Complete Guide_ — Senior Technical"
        in all_text(message["blocks"])
    )


def test_mention_inside_a_thread_stays_in_that_thread(server, slack) -> None:
    slack.reset()
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> tpm salary?",
        "ts": "200.2",
        "thread_ts": "150.0",
        "channel": "C1",
        "event_ts": "200.2",
    }
    send_event(server, event, "Ev2")
    [message] = slack.wait_for("chat.postMessage")
    assert message["thread_ts"] == "150.0"
    assert "₹26.5 lakh" in all_text(message["blocks"])


def test_a_retried_event_is_acknowledged_but_answered_once(server, slack) -> None:
    slack.reset()
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> levels?",
        "ts": "300.3",
        "channel": "C1",
    }
    assert send_event(server, event, "Ev3")[0] == 200
    assert (
        send_event(
            server,
            event,
            "Ev3",
            headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
        )[0]
        == 200
    )
    slack.wait_for("chat.postMessage")
    server.finish_replies()
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_direct_message_is_answered_in_the_dm(server, slack) -> None:
    slack.reset()
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": "how do I become a TPM?",
        "ts": "400.4",
        "channel": "D1",
    }
    send_event(server, event, "Ev4")
    [message] = slack.wait_for("chat.postMessage")
    assert message["channel"] == "D1" and "thread_ts" not in message
    assert "How to become a Technical Product Manager" in all_text(message["blocks"])


@pytest.mark.parametrize(
    "extra", [{"bot_id": "B2"}, {"subtype": "message_changed"}, {"subtype": "bot_message"}]
)
def test_messages_from_bots_and_edits_get_no_reply(server, slack, extra) -> None:
    slack.reset()
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U2",
        "text": "what is a tpm",
        "ts": "500.5",
        "channel": "D1",
        **extra,
    }
    assert send_event(server, event, f"Ev5-{sorted(extra.items())}")[0] == 200
    server.finish_replies()
    assert slack.calls_to("chat.postMessage") == []


def test_off_topic_mention_says_the_guide_does_not_cover_it(server, slack) -> None:
    slack.reset()
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> how do I become a pilot?",
        "ts": "600.6",
        "channel": "C1",
    }
    send_event(server, event, "Ev6")
    [message] = slack.wait_for("chat.postMessage")
    assert message["text"].startswith("The guide doesn't cover that")
    assert len(message["blocks"]) <= 50


def test_forged_signature_and_stale_timestamp_are_rejected(server, slack) -> None:
    slack.reset()
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> levels?",
        "ts": "700.7",
        "channel": "C1",
    }
    assert send_event(server, event, "Ev7", secret="wrong")[0] == 401
    assert send_event(server, event, "Ev8", age=6 * 60)[0] == 401
    server.finish_replies()
    assert slack.calls_to("chat.postMessage") == []


def test_tpm_command_answers_ephemerally_with_a_share_button(server, slack) -> None:
    slack.reset()
    status, _ = send_command(server, slack.url, "/tpm", "what does a tpm do")
    assert status == 200
    [response] = slack.wait_for("response_url")
    assert response["response_type"] == "ephemeral"
    actions = [
        e["action_id"] for b in response["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert "share" in actions
    # Sections are short enough to show whole, so nothing hides behind "Read the full section".
    assert "show_full" not in actions
    assert "Defining the technical roadmap" in all_text(response["blocks"])


@pytest.mark.parametrize(
    ("command", "text", "title"),
    [
        ("/tpm", "", "I answer questions about the Technical Product Manager"),
        ("/tpm", "help", "I answer questions about the Technical Product Manager"),
        ("/tpm-levels", "", "TPM levels and seniority"),
        ("/tpm-levels", "senior", "Senior Technical Product Manager"),
        ("/tpm-levels", "mid", "Mid-level Technical Product Manager"),
        ("/tpm-levels", "director", "Director or VP of Product"),
        ("/tpm-salary", "", "Technical Product Manager salary in India"),
        ("/tpm-become", "", "How to become a Technical Product Manager"),
        ("/tpm-vs-pm", "", "Product Manager vs Technical Product Manager"),
        ("/tpm-role", "", "What is a Technical Product Manager?"),
        ("/tpm-topics", "", "I answer questions about the Technical Product Manager"),
    ],
)
def test_every_slash_command_replies(server, slack, command, text, title) -> None:
    slack.reset()
    assert send_command(server, slack.url, command, text)[0] == 200
    [response] = slack.wait_for("response_url")
    assert response["response_type"] == "ephemeral"
    assert response["text"].startswith(title)


def test_pm_vs_tpm_renders_side_by_side_fields(server, slack) -> None:
    slack.reset()
    send_command(server, slack.url, "/tpm-vs-pm")
    [response] = slack.wait_for("response_url")
    fields = [b for b in response["blocks"] if b["type"] == "section" and "fields" in b]
    assert len(fields) == 4 and len(fields[0]["fields"]) == 2


def test_read_full_section_button_posts_the_body_in_the_thread(server, slack) -> None:
    slack.reset()
    container = {
        "type": "message",
        "message_ts": "800.8",
        "channel_id": "C1",
        "is_ephemeral": False,
    }
    click(
        server,
        slack.url,
        "show_full",
        "salary-india",
        container,
        channel={"id": "C1"},
        message={"ts": "800.8", "thread_ts": "799.0"},
    )
    [message] = slack.wait_for("chat.postMessage")
    assert message["thread_ts"] == "799.0"
    assert "bonuses and stock options are common" in all_text(message["blocks"])


def test_topic_button_in_an_ephemeral_reply_answers_ephemerally(server, slack) -> None:
    slack.reset()
    container = {"type": "message", "message_ts": "900.9", "channel_id": "C1", "is_ephemeral": True}
    click(server, slack.url, "show_section:related:0", "level-mid", container, channel={"id": "C1"})
    [response] = slack.wait_for("response_url")
    assert response["response_type"] == "ephemeral"
    assert response["text"].startswith("Mid-level Technical Product Manager")


def test_share_posts_visibly_with_attribution(server, slack) -> None:
    slack.reset()
    container = {
        "type": "message",
        "message_ts": "1000.1",
        "channel_id": "C1",
        "is_ephemeral": True,
    }
    click(server, slack.url, "share", "levels", container, channel={"id": "C1"})
    [message] = slack.wait_for("chat.postMessage")
    assert message["channel"] == "C1"
    assert "Shared by <@U1>" in all_text(message["blocks"])
    assert slack.wait_for("response_url")[0]["delete_original"] in (True, "true")


def test_app_home_is_published_and_its_buttons_answer_in_a_dm(server, slack) -> None:
    slack.reset()
    send_event(
        server, {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}, "Ev9"
    )
    [publish] = slack.wait_for("views.publish")
    assert publish["user_id"] == "U1" and publish["view"]["type"] == "home"
    click(server, slack.url, "show_section:0", "what-is-a-tpm", {"type": "view", "view_id": "V1"})
    [message] = slack.wait_for("chat.postMessage")
    assert message["channel"] == "U1"


def test_health_check_and_unknown_paths_over_a_real_server(http_bot) -> None:
    with urllib.request.urlopen(f"{http_bot.base}/healthz", timeout=5) as response:
        assert response.status == 200
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{http_bot.base}/nope", timeout=5)
    assert error.value.code == 404
