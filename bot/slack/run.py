"""Run the Slack app: HTTP behind gunicorn (`tpm-bot serve`) or Socket Mode (`tpm-bot socket`).

Both modes share the same life cycle: replies are computed on a thread pool after Slack has been
acknowledged; SIGTERM stops taking new work and finishes the replies in flight before exiting
(platforms wait about 30 s before they kill); SIGHUP reloads the knowledge files, and with
TPM_BOT_RELOAD=1 an edited file is picked up on its own.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from bot.cli import load_or_exit
from bot.core.paths import knowledge_paths
from bot.slack.app import build_app, slack_refused
from bot.slack.holder import RELOAD_ENV, KnowledgeHolder
from bot.slack.settings import Settings, SettingsError, exit_with, settings_or_exit

#: Largest request body accepted; Slack's own payloads are far smaller.
MAX_BODY_BYTES = 1_000_000
EVENTS_PATH = "/slack/events"
#: Threads that compute and send replies after the ack. Sending is mostly waiting on Slack,
#: and a rate-limited send sleeps for its Retry-After, so there are more threads than cores.
REPLY_THREADS = 32
#: Seconds gunicorn gives in-flight requests and replies at shutdown (platforms allow ~30).
GRACEFUL_SECONDS = 25

log = logging.getLogger("tpm_bot")

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


def _reload_on_change_wanted() -> bool:
    return os.environ.get(RELOAD_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _drain(replies: ThreadPoolExecutor) -> None:
    log.info("kind=shutdown decision=draining")
    replies.shutdown(wait=True)
    log.info("kind=shutdown decision=drained")


def serve_wsgi(application: Wsgi, port: int, log_level: str, **hooks: Callable) -> None:
    """Serve a WSGI app with gunicorn: one process of threads, so every request (and every
    retry) reaches the same in-memory state. `hooks` are gunicorn server hooks."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"0.0.0.0:{port}")
            self.cfg.set("workers", 1)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", int(os.environ.get("WEB_THREADS", "16")))
            self.cfg.set("graceful_timeout", GRACEFUL_SECONDS)
            self.cfg.set("loglevel", log_level.lower())
            self.cfg.set("limit_request_line", 8190)
            for name, hook in hooks.items():
                self.cfg.set(name, hook)

        def load(self) -> Wsgi:
            return application

    # Everything built so far (the knowledge index, Bolt, gunicorn) lives as long as the
    # process: take it out of the garbage collector's full sweeps, which otherwise walk it again
    # and again under load, and keep the forked worker sharing those pages with the master.
    gc.freeze()
    Server().run()


def _app_or_exit(settings: Settings, holder: KnowledgeHolder, replies: ThreadPoolExecutor):
    try:
        return build_app(settings, holder, replies)
    except SettingsError as error:
        raise exit_with(error) from None


def serve_http(extra: Sequence[str], port: int | None = None) -> int:
    settings = settings_or_exit(socket_mode=False, port=port)
    holder = KnowledgeHolder(load_or_exit(extra), knowledge_paths(extra))
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    replies = ThreadPoolExecutor(REPLY_THREADS, thread_name_prefix="reply")
    application = wsgi_app(SlackRequestHandler(_app_or_exit(settings, holder, replies)))

    def on_reload(arbiter) -> None:
        # gunicorn's SIGHUP: reload here, in the master, then gunicorn starts a fresh worker
        # (which inherits the new knowledge, or the last good one) and retires the old one
        # gracefully.
        holder.reload("sighup")

    def post_worker_init(worker) -> None:
        if _reload_on_change_wanted():
            holder.watch()

    def worker_exit(arbiter, worker) -> None:
        _drain(replies)

    serve_wsgi(
        application,
        settings.port,
        settings.log_level,
        on_reload=on_reload,
        post_worker_init=post_worker_init,
        worker_exit=worker_exit,
    )
    return 0


def serve_socket_mode(extra: Sequence[str]) -> int:
    settings = settings_or_exit(socket_mode=True)
    holder = KnowledgeHolder(load_or_exit(extra), knowledge_paths(extra))
    from slack_sdk.errors import SlackApiError

    from bot.slack.socket_client import HealthCheckedSocketModeHandler

    replies = ThreadPoolExecutor(REPLY_THREADS, thread_name_prefix="reply")
    # The handler opens its connection through the app's own Web API client, so SLACK_API_URL,
    # timeouts and retry handlers apply to Socket Mode too.
    handler = HealthCheckedSocketModeHandler(
        _app_or_exit(settings, holder, replies), settings.app_token
    )
    stop = threading.Event()
    reload_requested = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGHUP, lambda *_: reload_requested.set())
    if _reload_on_change_wanted():
        holder.watch()
    gc.freeze()  # as in serve_wsgi: long-lived start-up objects leave the collector's sweeps
    try:
        handler.connect()
    except (SlackApiError, OSError) as error:
        raise exit_with(slack_refused(error, "SLACK_APP_TOKEN", settings.api_url)) from None
    while not stop.wait(0.2):
        if reload_requested.is_set():
            reload_requested.clear()
            holder.reload("sighup")
    # Stop receiving first (envelopes already received are acknowledged and handed over), then
    # finish every reply in flight.
    handler.close()
    _drain(replies)
    return 0
