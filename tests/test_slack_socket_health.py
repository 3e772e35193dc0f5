"""A Socket Mode connection that dies without a close frame is noticed within seconds, without
spinning a core: the bot opens a new connection and answers on it.

Before, the builtin client took about 50 s to notice, and with a FIN but no close frame it spun
one core at 100% the whole time (`recv` returning b"" in a loop)."""

from __future__ import annotations

import itertools
import os
import time

import pytest
from fake_slack import FakeSlack
from fake_socket_mode import FakeSocketMode
from slack_harness import BotProcess, event_callback, mention

#: "Within a few seconds": generous for a loaded machine, far under the 50 s it took.
DETECT_SECONDS = 12
#: CPU seconds per wall second the bot may use while its connection is dead (idle is ~0.01).
MAX_CPU_SHARE = 0.25


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, every thread included, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def fakes():
    sockets = FakeSocketMode()
    slack = FakeSlack()
    slack.socket_url = sockets.url
    yield slack, sockets
    slack.close()
    sockets.close()


def answered(slack: FakeSlack, sockets: FakeSocketMode, ts: str) -> dict:
    posts = len(slack.calls_to("chat.postMessage"))
    envelope = sockets.deliver("events_api", event_callback(mention("<@UBOT> tpm salary", ts), ts))
    sockets.wait_for_ack(envelope)
    replies = slack.wait_for("chat.postMessage", count=posts + 1, timeout=10)
    return next(m for m in replies if m["thread_ts"] == ts)


@pytest.mark.parametrize("mode", ["half_close", "blackhole"])
def test_a_connection_dropped_without_a_close_frame_is_replaced_quickly_and_cheaply(
    fakes, mode: str
) -> None:
    slack, sockets = fakes
    bot = BotProcess("socket", slack.url, SLACK_SIGNING_SECRET="")
    try:
        sockets.wait_for_connections(1, timeout=30)
        answered(slack, sockets, "20.1")
        time.sleep(1)  # let start-up work settle before measuring
        cpu_before, started = cpu_seconds(bot.process.pid), time.monotonic()
        sockets.drop(mode)
        seconds = sockets.wait_for_connections(2, timeout=DETECT_SECONDS)
        cpu = cpu_seconds(bot.process.pid) - cpu_before
        elapsed = time.monotonic() - started
        print(f"{mode}: new connection after {seconds:.1f} s, {cpu:.2f} CPU s")
        assert cpu <= MAX_CPU_SHARE * elapsed, f"{cpu:.2f} CPU s in {elapsed:.1f} s"
        assert len(slack.calls_to("apps.connections.open")) == 2
        assert answered(slack, sockets, "20.2")["channel"] == "C1"
    finally:
        bot.stop()
        print(bot.output)


def test_when_slack_refuses_new_connections_for_a_while_the_bot_keeps_trying_then_reconnects(
    fakes,
) -> None:
    """A dropped connection whose replacement Slack refuses (an outage, `ok: false`) is retried
    with growing pauses, not given up on, and not hammered: once Slack answers, the bot is back."""
    slack, sockets = fakes
    bot = BotProcess("socket", slack.url, SLACK_SIGNING_SECRET="")
    try:
        sockets.wait_for_connections(1, timeout=30)
        answered(slack, sockets, "21.1")
        refusals = 3
        slack.fail("apps.connections.open", error="internal_error", times=refusals)
        sockets.drop("half_close")
        seconds = sockets.wait_for_connections(2, timeout=30)
        attempts = slack.attempts_to("apps.connections.open")
        print(f"reconnected after {seconds:.1f} s and {len(attempts)} attempts")
        assert len(attempts) == 1 + refusals + 1  # start-up, the refusals, the success
        pauses = [later.at - earlier.at for earlier, later in itertools.pairwise(attempts[1:])]
        assert all(b >= a for a, b in itertools.pairwise(pauses)), pauses  # backing off
        assert answered(slack, sockets, "21.2")["channel"] == "C1"
        assert "Traceback" not in bot.output
    finally:
        bot.stop()
        print(bot.output)


def test_when_slack_gives_no_url_the_bot_backs_off_then_connects(fakes) -> None:
    """apps.connections.open answering without a URL used to be retried every half second
    for ever, on the same empty URL: now each failure waits longer (with jitter), the log
    says so, and the first URL Slack gives is used."""
    slack, sockets = fakes
    url, slack.socket_url = slack.socket_url, ""
    bot = BotProcess("socket", slack.url, SLACK_SIGNING_SECRET="")
    try:
        time.sleep(4)
        tries = len(slack.calls_to("apps.connections.open"))
        assert 2 <= tries <= 5, tries  # 0.5 s, 1 s, 2 s apart: not every half second
        assert "decision=reconnect_failed error=NoSocketUrl" in bot.output
        slack.socket_url = url
        assert sockets.connected.wait(30), bot.output
        assert (
            "kind=socket decision=connected" in bot.output
            or bot.wait_for_output("kind=socket decision=connected") is None
        )
        assert "Traceback" not in bot.output
    finally:
        bot.stop()
