"""The load benchmark's baseline: a bare Bolt app that answers every mention with a fixed text.

It runs behind exactly what `tpm-bot serve` runs behind (the same gunicorn settings, WSGI wrapper,
Web API client with its retry handlers, and reply thread pool), so the benchmark measures what
tpm-bot's own work costs: matching, rendering, de-duplication and logging.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.slack.app import web_client
from bot.slack.logs import set_library_levels
from bot.slack.run import REPLY_THREADS, serve_wsgi, wsgi_app
from bot.slack.settings import settings_or_exit


def main() -> None:
    settings = settings_or_exit(socket_mode=False)
    app = App(
        signing_secret=settings.signing_secret or "",
        client=web_client(settings),
        listener_executor=ThreadPoolExecutor(REPLY_THREADS),
    )

    @app.event("app_mention")
    def reply(event: dict, say) -> None:
        say(text="Thanks for asking!", thread_ts=event["ts"])

    set_library_levels(settings.log_level)
    serve_wsgi(wsgi_app(SlackRequestHandler(app)), settings.port, settings.log_level)


if __name__ == "__main__":
    main()
