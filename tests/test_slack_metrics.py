"""Prometheus metrics, read as Prometheus reads them: GET /metrics over HTTP, and on METRICS_PORT
in Socket Mode. Every label is the bot's own word; nothing a user typed, and no Slack id."""

from __future__ import annotations

import re
import threading
import time
import urllib.request

from fake_socket_mode import FakeSocketMode
from prometheus_client.parser import text_string_to_metric_families
from slack_harness import (
    BotProcess,
    InProcessBot,
    event_callback,
    free_port,
    mention,
    send_command,
    send_event,
)

from bot.core.holder import KnowledgeHolder

QUESTION = "<@UBOT> how much does a TPM earn in India?"
PERSONAL = "<@UBOT> Priya Sharma here, what would a TPM earn in India?"


def samples(page: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition page: (name, sorted labels) -> value."""
    found = {}
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def metrics_page(bot: InProcessBot) -> tuple[int, dict[str, str], str]:
    status, headers, body = bot.browse("/metrics")
    return status, dict(headers), body


def test_the_metrics_page_counts_events_by_kind_and_decision(bot, slack) -> None:
    assert send_event(bot, mention(QUESTION, "1.1"), "EvM1")[0] == 200
    assert send_event(bot, mention("<@UBOT> best pizza in town?", "1.2"), "EvM2")[0] == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert send_event(bot, mention(QUESTION, "1.1"), "EvM1", headers=retry)[0] == 200
    bot.finish_replies()
    status, headers, page = metrics_page(bot)
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=")
    found = samples(page)
    assert found[("tpm_bot_events_total", (("decision", "answer"), ("kind", "mention")))] == 1
    assert found[("tpm_bot_events_total", (("decision", "none"), ("kind", "mention")))] == 1
    assert found[("tpm_bot_events_total", (("decision", "retry"), ("kind", "mention")))] == 1
    assert found[("tpm_bot_ack_seconds_count", ())] == 3
    assert found[("tpm_bot_answer_seconds_count", (("kind", "mention"),))] == 2
    assert found[("tpm_bot_knowledge_sections", ())] == len(bot.holder.matcher.kb.sections)
    assert found[("tpm_bot_engine", (("engine", bot.holder.matcher.engine),))] == 1
    assert found[("tpm_bot_store_up", ())] == 1
    assert found[("tpm_bot_store_rows_dropped_total", ())] == 0
    assert found[("tpm_bot_knowledge_reloads_total", (("outcome", "loaded"),))] == 0


def test_metrics_never_carry_user_text_or_slack_ids(bot, slack) -> None:
    send_event(bot, mention(PERSONAL, "2.1", channel="CSECRET1"), "EvM3")
    send_command(bot, slack.url, "/tpm", "what does Rohit Kumar at Flipkart earn?")
    bot.finish_replies()
    page = metrics_page(bot)[2]
    for secret in ("Priya", "Sharma", "Rohit", "Flipkart", "CSECRET1", "EvM3", "UBOT", "T123"):
        assert secret not in page
    labels = set()
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            labels.update(sample.labels.values())
    assert all(re.fullmatch(r"[A-Za-z_.0-9+]+", value) for value in labels), labels


def test_web_api_errors_and_retries_are_counted_by_method(bot, slack) -> None:
    slack.fail("chat.postMessage", status=429, headers={"Retry-After": "0"})
    slack.fail("chat.postMessage", error="channel_not_found", times=1)
    send_event(bot, mention(QUESTION, "3.1"), "EvM4")
    bot.finish_replies()
    found = samples(metrics_page(bot)[2])
    assert (
        found[
            (
                "tpm_bot_slack_api_retries_total",
                (("method", "chat.postMessage"), ("reason", "rate_limited")),
            )
        ]
        == 1
    )
    assert (
        found[
            (
                "tpm_bot_slack_api_errors_total",
                (("error", "channel_not_found"), ("method", "chat.postMessage")),
            )
        ]
        == 1
    )


def test_a_reload_is_counted_by_outcome(bot) -> None:
    assert bot.holder.reload("test")
    found = samples(metrics_page(bot)[2])
    assert found[("tpm_bot_knowledge_reloads_total", (("outcome", "loaded"),))] == 1


def test_a_stop_that_runs_out_of_time_counts_the_answers_it_dropped(slack, matcher) -> None:
    slack.reset()
    slack.delay = 1.5  # every Web API call is slow
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher))
    try:
        for n in range(3):
            send_event(bot, mention(QUESTION, f"4.{n}"), f"EvM5{n}")
        time.sleep(0.2)
        started = time.monotonic()
        bot.runtime.close(drain_seconds=0.3)
        assert time.monotonic() - started < 1.0
        assert "kind=shutdown decision=dropped answers=3" in bot.output
        found = samples(bot.metrics.exposition()[0].decode())
        assert found[("tpm_bot_answers_dropped_total", ())] == 3
    finally:
        slack.delay = 0.0
        bot.close()


def test_socket_mode_serves_metrics_on_metrics_port(slack) -> None:
    sockets = FakeSocketMode()
    slack.socket_url = sockets.url
    port = free_port()
    bot = BotProcess("socket", slack.url, SLACK_SIGNING_SECRET="", METRICS_PORT=str(port))
    try:
        assert sockets.connected.wait(30), bot.output
        sockets.wait_for_ack(
            sockets.deliver("events_api", event_callback(mention(QUESTION, "5.1"), "EvM6"))
        )
        slack.wait_for("chat.postMessage")
        deadline = time.monotonic() + 10
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as page:
                found = samples(page.read().decode())
            key = ("tpm_bot_events_total", (("decision", "answer"), ("kind", "mention")))
            if found.get(key) == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert found.get(key) == 1, (sorted(found), bot.output)
        assert found[("tpm_bot_ack_seconds_count", ())] >= 1
        assert "kind=socket decision=connected" in bot.output
    finally:
        bot.stop()
        sockets.close()


def test_metrics_pages_are_served_while_answers_are_under_way(bot, slack) -> None:
    slack.delay = 0.5
    try:
        send_event(bot, mention(QUESTION, "6.1"), "EvM7")
        done = threading.Event()
        threading.Thread(target=lambda: (metrics_page(bot), done.set()), daemon=True).start()
        assert done.wait(0.4)
    finally:
        slack.delay = 0.0
