"""A bot that cannot work says why in one line and exits 2: a token Slack rejects, or a Web API
it cannot reach. No traceback, and nothing half-started."""

from __future__ import annotations

from fake_slack import FakeSlack
from slack_harness import BOT_TOKEN, BotProcess


def finished(bot: BotProcess) -> tuple[int, str]:
    code = bot.process.wait(timeout=60)
    bot.stop()
    return code, bot.output


def test_a_bot_token_slack_rejects_stops_http_mode_with_one_clear_line(slack) -> None:
    slack.fail("auth.test", error="invalid_auth", times=10)
    code, output = finished(BotProcess("serve", slack.url))
    assert code == 2
    assert "tpm-bot: Slack rejected SLACK_BOT_TOKEN (invalid_auth); get it from" in output
    assert "OAuth & Permissions" in output
    assert "Traceback" not in output and BOT_TOKEN not in output


def test_an_unreachable_web_api_stops_with_one_clear_line() -> None:
    closed = FakeSlack()
    url = closed.url
    closed.close()  # nothing listens there any more
    code, output = finished(BotProcess("serve", url))
    assert code == 2
    assert f"tpm-bot: cannot reach Slack's Web API at {url}/api/" in output
    assert "SLACK_API_URL" in output and "Traceback" not in output
    assert "slack_sdk" not in output and "slack_bolt" not in output, "no library retry chatter"
    assert output.splitlines()[-1].startswith("tpm-bot: cannot reach")


def test_an_app_token_slack_rejects_stops_socket_mode_with_one_clear_line(slack) -> None:
    slack.reset()
    slack.fail("apps.connections.open", error="invalid_auth", times=10)
    code, output = finished(BotProcess("socket", slack.url))
    assert code == 2
    assert "tpm-bot: Slack rejected SLACK_APP_TOKEN (invalid_auth)" in output
    assert "App-Level Tokens" in output and "Traceback" not in output
