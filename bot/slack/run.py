"""Run the Slack app: HTTP behind gunicorn (`tpm-bot serve`) or Socket Mode (`tpm-bot socket`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence

from bot.cli import load_or_exit
from bot.slack.app import build_app
from bot.slack.holder import KnowledgeHolder
from bot.slack.settings import settings_or_exit

#: Largest request body accepted; Slack's own payloads are far smaller.
MAX_BODY_BYTES = 1_000_000
EVENTS_PATH = "/slack/events"

Wsgi = Callable[[dict, Callable], Iterable[bytes]]


def wsgi_app(bolt_handler: Wsgi) -> Wsgi:
    """Bolt's WSGI adapter behind a health check, one Slack path and a body-size cap."""

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        if path != EVENTS_PATH:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = MAX_BODY_BYTES + 1
        if length > MAX_BODY_BYTES:
            start_response("413 Payload Too Large", [("Content-Type", "text/plain")])
            return [b"request body too large"]
        return bolt_handler(environ, start_response)

    return application


def serve_http(extra: Sequence[str], port: int | None = None) -> int:
    settings = settings_or_exit(socket_mode=False, port=port)
    holder = KnowledgeHolder(load_or_exit(extra))
    from gunicorn.app.base import BaseApplication
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    application = wsgi_app(SlackRequestHandler(build_app(settings, holder)))

    class Server(BaseApplication):
        def load_config(self) -> None:
            # One process: Bolt answers on its own thread pool after acknowledging, and retries
            # are recognised in memory, so every request must reach the same process.
            self.cfg.set("bind", f"0.0.0.0:{settings.port}")
            self.cfg.set("workers", 1)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", int(os.environ.get("WEB_THREADS", "16")))
            self.cfg.set("graceful_timeout", 25)
            self.cfg.set("loglevel", settings.log_level.lower())
            self.cfg.set("limit_request_line", 8190)

        def load(self) -> Wsgi:
            return application

    Server().run()
    return 0


def serve_socket_mode(extra: Sequence[str]) -> int:
    settings = settings_or_exit(socket_mode=True)
    holder = KnowledgeHolder(load_or_exit(extra))
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    # The handler opens its connection through the app's own Web API client, so SLACK_API_URL,
    # timeouts and retry handlers apply to Socket Mode too.
    SocketModeHandler(build_app(settings, holder), settings.app_token).start()
    return 0
