"""Run the Slack app: over HTTP (`tpm-bot serve`) or in Socket Mode (`tpm-bot socket`).

Both modes share one life cycle, in one process that owns all the state (knowledge, retry
memory, replies in flight): replies are computed on a thread pool after Slack has been
acknowledged; SIGTERM stops taking new work and finishes the replies in flight (platforms wait
about 30 s before they kill); SIGHUP reloads the knowledge files in place, keeping the last good
knowledge base, and with TPM_BOT_RELOAD=1 an edited file is picked up on its own.

HTTP is served by waitress, which reads every request whole on its I/O thread before a request
thread sees it: a client that sends a byte a second, or nothing at all, holds a socket, never a
thread, so Slack's deliveries keep being acknowledged while it lasts.
"""

from __future__ import annotations

import gc
import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import TYPE_CHECKING

from bot.core.holder import KnowledgeHolder
from bot.settings import Settings, StartupError
from bot.slack.app import build_app, oauth_paths, slack_refused
from bot.slack.http import MAX_BODY_BYTES, Wsgi, slack_door
from bot.slack.logs import configure_logging, quiet_libraries
from bot.store.store import Store

if TYPE_CHECKING:
    from bot.slack.answerer import AnswerProcess

#: Threads that compute and send replies after the ack. Sending is mostly waiting on Slack,
#: and a rate-limited send sleeps for its Retry-After, so there are more threads than cores.
REPLY_THREADS = 32
#: Seconds a connection may stay silent before it is closed.
IDLE_SECONDS = 20
#: Open connections at most; slow or idle ones cost a socket each, not a thread.
MAX_CONNECTIONS = 1000

log = logging.getLogger("tpm_bot")


def drain(replies: ThreadPoolExecutor) -> None:
    log.info("kind=shutdown decision=draining")
    replies.shutdown(wait=True)
    log.info("kind=shutdown decision=drained")


def reload_in_background(holder: KnowledgeHolder) -> None:
    """SIGHUP: reload off the signal handler, so serving and SIGTERM are never held up."""
    holder.reload_soon("sighup")


def _started(mode: str, settings: Settings, holder: KnowledgeHolder, where: str) -> None:
    log.info(
        "kind=start mode=%s %s sections=%d knowledge_files=%d reload_on_change=%s database=%s",
        mode,
        where,
        len(holder.matcher.kb.sections),
        len(holder.matcher.kb.files),
        "on" if settings.reload_on_change else "off",
        settings.database_shown,
    )


def open_store(settings: Settings, stop: threading.Event, purge: bool = True) -> Store:
    """The store, migrated to the shipped schema (under the migration lock), with expired rows
    purged in the background (by one process of an instance: `purge`). A database that cannot
    be reached does not stop the bot: it answers without the store and tries the migration
    again at each purge."""
    try:
        store = Store.open(
            settings.database_url,
            retention_days=settings.retention_days,
            key=settings.encryption_key,
            keep_question_text=settings.log_questions == "text",
        )
    except OSError as error:  # the SQLite file's folder cannot be created
        raise StartupError(
            [f"cannot create the database {settings.database_shown} ({error.strerror})"]
        ) from None
    store.try_upgrade()
    if purge:
        store.purge_in_background(stop)
    return store


def serve_wsgi(application: Wsgi, settings: Settings) -> None:
    """Serve a WSGI app with waitress until SIGTERM or SIGINT, then close every connection."""
    from waitress.server import create_server

    server = create_server(
        application,
        host=settings.host,
        port=settings.port,
        threads=settings.web_threads,
        channel_timeout=IDLE_SECONDS,
        cleanup_interval=max(IDLE_SECONDS // 4, 1),
        connection_limit=MAX_CONNECTIONS,
        max_request_body_size=MAX_BODY_BYTES,
        asyncore_use_poll=True,  # select() stops at 1,024 open sockets
        ident="tpm-bot",
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)  # waitress's loop closes the server on SystemExit

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # Everything built so far (the knowledge index, Bolt) lives as long as the process: take it
    # out of the garbage collector's full sweeps, which otherwise walk it again under load.
    gc.freeze()
    server.run()


def serve_http(settings: Settings, holder: KnowledgeHolder) -> int:
    """`tpm-bot serve`. Raises StartupError when Slack refuses the token or cannot be reached."""
    configure_logging(settings.log_level, settings.secrets())
    answers = None
    if settings.answer_process:
        from bot.slack.answerer import AnswerProcess

        answers = AnswerProcess(settings, holder.matcher)
        answers.launch()  # it loads while this process opens the store and builds its app
    try:
        return _serve_http(settings, holder, answers)
    finally:
        # Whatever happened, the answering process is told to finish (or, never ready, is
        # stopped): left running, it would keep this process from exiting.
        if answers is not None:
            answers.stop()


def _serve_http(settings: Settings, holder: KnowledgeHolder, answers: AnswerProcess | None) -> int:
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    replies = ThreadPoolExecutor(REPLY_THREADS, thread_name_prefix="reply")
    stopping = threading.Event()
    store = open_store(settings, stopping)
    app = build_app(settings, holder, replies, store)
    if answers is not None:
        from bot.slack.answerer import Answering

        if not answers.start(answer_here=Answering(app)):
            answers = None
    application = slack_door(
        SlackRequestHandler(app),
        settings.signing_secret,
        extra_paths=oauth_paths(app),
        forward=answers.forward if answers else None,
    )

    def on_sighup(*_: object) -> None:
        reload_in_background(holder)
        if answers:
            answers.reload()

    signal.signal(signal.SIGHUP, on_sighup)
    if settings.reload_on_change:
        holder.watch()
    installs = "oauth" if settings.oauth else "single"
    _started("http", settings, holder, f"bind={settings.host}:{settings.port} installs={installs}")
    serve_wsgi(application, settings)
    if answers:
        answers.stop()  # its replies in flight first, then this process's own
    drain(replies)
    stopping.set()
    store.close()
    return 0


def serve_socket_mode(settings: Settings, holder: KnowledgeHolder) -> int:
    """`tpm-bot socket`. Raises StartupError when Slack refuses a token or cannot be reached.
    Socket Mode serves the one workspace of SLACK_BOT_TOKEN; installs in many workspaces (the
    OAuth flow) need `serve`, so SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are not used here."""
    from slack_sdk.errors import SlackApiError

    settings = settings._replace(client_id="", client_secret="")
    from bot.slack.socket_client import HealthCheckedSocketModeHandler

    configure_logging(settings.log_level, settings.secrets())
    replies = ThreadPoolExecutor(REPLY_THREADS, thread_name_prefix="reply")
    stopping = threading.Event()
    store = open_store(settings, stopping)
    # The handler opens its connection through the app's own Web API client, so SLACK_API_URL,
    # timeouts and retry handlers apply to Socket Mode too.
    handler = HealthCheckedSocketModeHandler(
        build_app(settings, holder, replies, store), settings.app_token
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGHUP, lambda *_: reload_in_background(holder))
    if settings.reload_on_change:
        holder.watch()
    gc.freeze()
    try:
        with quiet_libraries():
            handler.connect()
    except (SlackApiError, OSError) as error:
        raise slack_refused(error, "SLACK_APP_TOKEN", settings.api_url) from None
    _started("socket", settings, holder, "connection=open")
    while not stop.wait(0.2):  # a timed wait, so signal handlers run promptly
        pass
    # Stop receiving first (envelopes already received are acknowledged and handed over), then
    # finish every reply in flight.
    handler.close()
    drain(replies)
    stopping.set()
    store.close()
    return 0
