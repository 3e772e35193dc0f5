"""`tpm-bot serve` acknowledges events in the serving process and answers them in a second one
(bot.slack.answerer), so a burst of questions never slows the acknowledgements. These are real
processes: only they show the hand-over, the signals and what happens when a process dies."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest
from helpers import TEAM_FILE
from slack_harness import BotProcess, mention, send_command, send_event

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")


@pytest.fixture(autouse=True)
def _fresh_slack(slack) -> None:
    slack.reset()


def answering_pid(bot: BotProcess) -> int:
    bot.wait_for_output("kind=answerer decision=started")
    found = re.search(r"kind=answerer decision=started pid=(\d+)", bot.output)
    assert found, bot.output
    return int(found.group(1))


def started_pids(bot: BotProcess) -> list[int]:
    return [int(p) for p in re.findall(r"kind=answerer decision=started pid=(\d+)", bot.output)]


def alive(pid: int) -> bool:
    """Running (a dead child its parent has not yet reaped is a zombie, not alive)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return "\nState:\tZ" not in status


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_an_event_is_answered_by_the_answering_process_and_a_command_by_the_server(slack) -> None:
    bot = BotProcess("serve", slack.url)
    try:
        bot.wait_until_healthy()
        pid = answering_pid(bot)
        assert pid != bot.process.pid and alive(pid)
        assert (
            send_event(bot.base, mention("<@UBOT> tpm salary in india?", "10.1"), "EvA1")[0] == 200
        )
        reply = slack.wait_for("chat.postMessage")[0]
        assert reply["thread_ts"] == "10.1" and "26.5" in str(reply["blocks"])
        assert send_command(bot.base, slack.url, "/tpm", "what is a tpm?")[0] == 200
        assert slack.wait_for("response_url")
    finally:
        assert bot.stop() == 0
    assert "Traceback" not in bot.output


def test_when_the_answering_process_dies_its_events_are_answered_and_another_starts(
    slack,
) -> None:
    bot = BotProcess("serve", slack.url)
    try:
        bot.wait_until_healthy()
        pid = answering_pid(bot)
        os.kill(pid, signal.SIGSTOP)  # it stops reading: these wait in the pipe
        for n in range(3):
            event = mention("<@UBOT> what does a senior tpm do?", f"11.{n}")
            assert send_event(bot.base, event, f"EvLeft{n}")[0] == 200
        os.kill(pid, signal.SIGKILL)
        bot.wait_for_output("kind=answerer decision=exited")
        assert wait_until(lambda: len(started_pids(bot)) == 2), bot.output
        successor = started_pids(bot)[-1]
        assert successor != pid and alive(successor)
        event = mention("<@UBOT> tpm salary?", "11.3")
        assert send_event(bot.base, event, "EvAfter")[0] == 200
        assert wait_until(lambda: len(slack.calls_to("chat.postMessage")) >= 4), bot.output
        time.sleep(0.3)
        replies = slack.calls_to("chat.postMessage")
        assert sorted(r["thread_ts"] for r in replies) == ["11.0", "11.1", "11.2", "11.3"]
    finally:
        assert bot.stop() == 0
    assert "Traceback" not in bot.output


def test_an_answering_process_that_keeps_dying_leaves_the_server_answering_alone(slack) -> None:
    bot = BotProcess("serve", slack.url)
    try:
        bot.wait_until_healthy()
        for deaths in range(1, 5):  # the first and three restarts
            assert wait_until(lambda d=deaths: len(started_pids(bot)) == d, 20), bot.output
            os.kill(started_pids(bot)[-1], signal.SIGKILL)
        bot.wait_for_output("kind=answerer decision=not_restarted")
        event = mention("<@UBOT> tpm levels", "12.0")
        assert send_event(bot.base, event, "EvAlone")[0] == 200
        assert slack.wait_for("chat.postMessage")[0]["thread_ts"] == "12.0"
        assert len(started_pids(bot)) == 4
    finally:
        assert bot.stop() == 0


def test_sighup_reloads_the_knowledge_the_answering_process_answers_from(
    slack, tmp_path: Path
) -> None:
    team_file = tmp_path / "team.yaml"
    team_file.write_text(TEAM_FILE, encoding="utf-8")
    bot = BotProcess("serve", slack.url, TPM_BOT_KNOWLEDGE=str(team_file))
    try:
        bot.wait_until_healthy()
        answering_pid(bot)
        team_file.write_text(
            TEAM_FILE.replace("Our on-call rota", "Our on-call schedule"), encoding="utf-8"
        )
        bot.process.send_signal(signal.SIGHUP)
        # One line from each process: both now answer from the edited file.
        assert wait_until(
            lambda: bot.output.count("kind=reload reason=sighup decision=loaded") == 2
        ), bot.output
        event = mention("<@UBOT> when are TPMs on call?", "12.1")
        assert send_event(bot.base, event, "EvReload")[0] == 200
        assert "Our on-call schedule" in str(slack.wait_for("chat.postMessage")[0])
    finally:
        bot.stop()


def test_the_answering_process_ends_when_the_server_is_killed(slack) -> None:
    bot = BotProcess("serve", slack.url)
    try:
        bot.wait_until_healthy()
        pid = answering_pid(bot)
        bot.process.kill()
        assert wait_until(lambda: not alive(pid), timeout=15)
    finally:
        bot.stop()


def test_with_the_answer_process_off_one_process_answers_everything(slack) -> None:
    bot = BotProcess("serve", slack.url, TPM_BOT_ANSWER_PROCESS="0")
    try:
        bot.wait_until_healthy()
        assert send_event(bot.base, mention("<@UBOT> tpm levels", "13.1"), "EvOne")[0] == 200
        assert slack.wait_for("chat.postMessage")[0]["thread_ts"] == "13.1"
    finally:
        assert bot.stop() == 0
    assert "kind=answerer" not in bot.output
