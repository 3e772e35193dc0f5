"""The bot's life cycle, end to end: SIGTERM finishes the replies in flight, and the knowledge base
reloads without a restart (SIGHUP, or by itself with TPM_BOT_RELOAD=1) while a broken edit keeps
the last good one serving."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_slack import FakeSlack
from fake_socket_mode import FakeSocketMode
from helpers import TEAM_FILE
from slack_harness import (
    BotProcess,
    command_fields,
    event_callback,
    mention,
    send_command,
    send_event,
)

OLD_TITLE = "Our on-call rota"
NEW_TITLE = "Our on-call schedule"
BROKEN = "sections:\n  - id: team-oncall\n    title: [unclosed\n"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM_FILE, encoding="utf-8")
    return path


def ask_on_call(bot: BotProcess, slack: FakeSlack) -> str:
    """Ask the team's question with /tpm; the title of the section that answered."""
    slack.reset()
    assert send_command(bot.base, slack.url, "/tpm", "when are TPMs on call?")[0] == 200
    return slack.wait_for("response_url")[0]["text"].split(":")[0]


def edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_sigterm_finishes_replies_in_flight_over_http(slack) -> None:
    bot = BotProcess("serve", slack.url, TPM_BOT_ENCODER="on")  # as shipped, model loaded
    bot.wait_until_healthy()
    slack.delay = 2.0  # each reply is still being sent when the signal arrives
    for n in range(3):
        assert send_event(bot.base, mention("<@UBOT> tpm levels", f"{n}.5"), f"EvT{n}")[0] == 200
    started = time.monotonic()
    assert bot.stop() == 0
    assert sorted(m["thread_ts"] for m in slack.calls_to("chat.postMessage")) == [
        "0.5",
        "1.5",
        "2.5",
    ]
    assert time.monotonic() - started < 25
    assert "kind=shutdown decision=drained" in bot.output


def test_sigterm_finishes_replies_in_flight_in_socket_mode(slack) -> None:
    sockets = FakeSocketMode()
    slack.socket_url = sockets.url
    bot = BotProcess("socket", slack.url)
    try:
        assert sockets.connected.wait(30), bot.output
        slack.delay = 2.0
        envelopes = [
            sockets.deliver("events_api", event_callback(mention("<@UBOT> tpm", f"{n}.6"), f"S{n}"))
            for n in range(3)
        ]
        for envelope in envelopes:
            sockets.wait_for_ack(envelope)
        assert bot.stop() == 0
        assert len(slack.calls_to("chat.postMessage")) == 3
    finally:
        sockets.close()


def test_sighup_reloads_an_edit_and_keeps_the_last_good_knowledge_on_a_broken_one(
    slack, team_file
) -> None:
    bot = BotProcess("serve", slack.url, TPM_BOT_KNOWLEDGE=str(team_file))
    try:
        bot.wait_until_healthy()
        assert ask_on_call(bot, slack) == OLD_TITLE

        edit(team_file, TEAM_FILE.replace(OLD_TITLE, NEW_TITLE))
        bot.process.send_signal(signal.SIGHUP)
        bot.wait_for_output("kind=reload reason=sighup decision=loaded")
        assert ask_on_call(bot, slack) == NEW_TITLE

        edit(team_file, BROKEN)
        bot.process.send_signal(signal.SIGHUP)
        bot.wait_for_output("decision=kept_last_good")
        assert f"problem={team_file}:4: YAML syntax error" in bot.output
        assert ask_on_call(bot, slack) == NEW_TITLE
    finally:
        bot.stop()
    assert "Traceback" not in bot.output


def test_with_reload_on_an_edited_file_is_picked_up_by_itself(slack, team_file) -> None:
    bot = BotProcess("serve", slack.url, TPM_BOT_KNOWLEDGE=str(team_file), TPM_BOT_RELOAD="1")
    try:
        bot.wait_until_healthy()
        assert ask_on_call(bot, slack) == OLD_TITLE

        edit(team_file, BROKEN)
        bot.wait_for_output("reason=file_changed decision=kept_last_good")
        assert ask_on_call(bot, slack) == OLD_TITLE

        edit(team_file, TEAM_FILE.replace(OLD_TITLE, NEW_TITLE))
        bot.wait_for_output("reason=file_changed decision=loaded")
        assert ask_on_call(bot, slack) == NEW_TITLE
    finally:
        bot.stop()


def test_sighup_reloads_in_socket_mode(slack, team_file) -> None:
    sockets = FakeSocketMode()
    slack.socket_url = sockets.url
    bot = BotProcess("socket", slack.url, TPM_BOT_KNOWLEDGE=str(team_file))
    try:
        assert sockets.connected.wait(30), bot.output
        edit(team_file, TEAM_FILE.replace(OLD_TITLE, NEW_TITLE))
        bot.process.send_signal(signal.SIGHUP)
        bot.wait_for_output("kind=reload reason=sighup decision=loaded")
        payload = command_fields("/tpm", "when are TPMs on call?", f"{slack.url}/response/r")
        sockets.wait_for_ack(sockets.deliver("slash_commands", payload))
        assert slack.wait_for("response_url")[0]["text"].startswith(NEW_TITLE)
    finally:
        bot.stop()
        sockets.close()


def test_a_retry_arriving_after_a_reload_is_not_answered_again(slack, team_file) -> None:
    bot = BotProcess("serve", slack.url, TPM_BOT_KNOWLEDGE=str(team_file))
    try:
        bot.wait_until_healthy()
        event = mention("<@UBOT> what is a tpm", "7.1")
        assert send_event(bot.base, event, "EvL7")[0] == 200
        slack.wait_for("chat.postMessage")
        bot.process.send_signal(signal.SIGHUP)
        bot.wait_for_output("kind=reload reason=sighup decision=loaded")
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        assert send_event(bot.base, event, "EvL7", headers=retry)[0] == 200
        bot.wait_for_output("kind=retry event_id=EvL7 decision=skipped")
        time.sleep(0.3)
        assert len(slack.calls_to("chat.postMessage")) == 1
    finally:
        bot.stop()


def test_sighup_after_a_broken_edit_keeps_the_last_good_not_the_start_up_copy(
    slack, team_file
) -> None:
    bot = BotProcess("serve", slack.url, TPM_BOT_KNOWLEDGE=str(team_file), TPM_BOT_RELOAD="1")
    try:
        bot.wait_until_healthy()
        edit(team_file, TEAM_FILE.replace(OLD_TITLE, NEW_TITLE))
        bot.wait_for_output("reason=file_changed decision=loaded")
        edit(team_file, BROKEN)
        bot.wait_for_output("reason=file_changed decision=kept_last_good")
        bot.process.send_signal(signal.SIGHUP)
        bot.wait_for_output("reason=sighup decision=kept_last_good")
        assert ask_on_call(bot, slack) == NEW_TITLE
    finally:
        bot.stop()
