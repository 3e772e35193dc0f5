"""The load benchmark's baseline: a bare Bolt app that answers every mention with a fixed text.

It runs behind exactly what `tpm-bot serve` runs behind (the same waitress settings, HTTP door,
Web API client with its retry handlers, and reply thread pool), so the benchmark measures what
tpm-bot's own work costs: matching, rendering, de-duplication and logging.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.settings import load_settings
from bot.slack.app import web_client
from bot.slack.http import slack_door
from bot.slack.logs import configure_logging, set_library_levels
from bot.slack.metrics import Metrics
from bot.slack.runtime import REPLY_THREADS
from bot.slack.server import wsgi_server


def main() -> None:
    settings = load_settings().require_slack(socket_mode=False)
    configure_logging(settings.log_level, settings.secrets())
    app = App(
        signing_secret=settings.signing_secret,
        client=web_client(settings, Metrics()),
        listener_executor=ThreadPoolExecutor(REPLY_THREADS),
        request_verification_enabled=False,  # the door checks signatures, as for tpm-bot
    )

    @app.event("app_mention")
    def reply(event: dict, say) -> None:
        say(text="Thanks for asking!", thread_ts=event["ts"])

    @app.event("message")
    def follow_up(event: dict, say) -> None:
        if event.get("thread_ts"):  # the benchmark's unmentioned follow-ups
            say(text="Thanks for following up!", thread_ts=event["thread_ts"])

    set_library_levels(settings.log_level)
    server = wsgi_server(slack_door(SlackRequestHandler(app), settings.signing_secret), settings)
    server.run()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
