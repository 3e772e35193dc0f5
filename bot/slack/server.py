"""Run the Slack app: over HTTP (`tpm-bot serve`) or in Socket Mode (`tpm-bot socket`).

Both are one process around one runtime (bot.slack.runtime); what differs is only how requests
arrive. HTTP is served by waitress, which reads every request whole on its I/O thread before a
request thread sees it: a client that sends a byte a second, or nothing at all, holds a socket,
never a thread, so Slack's deliveries keep being acknowledged while it lasts.
"""

from __future__ import annotations

import logging
import threading

from bot.core.holder import KnowledgeHolder
from bot.settings import Settings
from bot.slack.app import oauth_paths, slack_refused
from bot.slack.http import MAX_BODY_BYTES, Wsgi, slack_door
from bot.slack.logs import configure_logging, quiet_libraries
from bot.slack.runtime import Runtime

#: Seconds a connection may stay silent before it is closed.
IDLE_SECONDS = 20
#: Open connections at most; slow or idle ones cost a socket each, not a thread.
MAX_CONNECTIONS = 1000

log = logging.getLogger("tpm_bot")


def wsgi_server(application: Wsgi, settings: Settings, port: int | None = None) -> object:
    """A waitress server for `application` on HOST:PORT (or `port`), not yet running."""
    from waitress.server import create_server

    return create_server(
        application,
        host=settings.host,
        port=settings.port if port is None else port,
        threads=settings.web_threads,
        channel_timeout=IDLE_SECONDS,
        cleanup_interval=max(IDLE_SECONDS // 4, 1),
        connection_limit=MAX_CONNECTIONS,
        max_request_body_size=MAX_BODY_BYTES,
        asyncore_use_poll=True,  # select() stops at 1,024 open sockets
        ident="tpm-bot",
    )


def _stop_waitress() -> None:
    raise SystemExit(0)  # waitress's loop closes the server on SystemExit


def serve_http(settings: Settings, holder: KnowledgeHolder) -> int:
    """`tpm-bot serve`. Raises StartupError when Slack refuses the token or cannot be reached."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    configure_logging(settings.log_level, settings.secrets())
    runtime = Runtime(settings, holder)
    application = slack_door(
        SlackRequestHandler(runtime.app),
        settings.signing_secret,
        extra_paths=oauth_paths(runtime.app),
        metrics=runtime.metrics,
    )
    server = wsgi_server(application, settings)
    runtime.handle_signals(_stop_waitress)
    installs = "oauth" if settings.oauth else "single"
    runtime.started("http", f"bind={settings.host}:{settings.port} installs={installs}")
    try:
        server.run()  # type: ignore[attr-defined]
    finally:
        runtime.close()
    return 0


def serve_socket_mode(settings: Settings, holder: KnowledgeHolder) -> int:
    """`tpm-bot socket`. Raises StartupError when Slack refuses a token or cannot be reached.
    Socket Mode serves the one workspace of SLACK_BOT_TOKEN; installs in many workspaces (the
    OAuth flow) need `serve`, so SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are not used here.
    With METRICS_PORT set, GET /metrics (and /healthz) are served on that port."""
    from slack_sdk.errors import SlackApiError

    from bot.slack.http import metrics_door
    from bot.slack.socket_client import HealthCheckedSocketModeHandler

    settings = settings._replace(client_id="", client_secret="")
    configure_logging(settings.log_level, settings.secrets())
    runtime = Runtime(settings, holder)
    # The handler opens its connection through the app's own Web API client, so SLACK_API_URL,
    # timeouts and retry handlers apply to Socket Mode too.
    handler = HealthCheckedSocketModeHandler(runtime.app, settings.app_token, runtime.metrics)
    stop = threading.Event()
    runtime.handle_signals(stop.set)
    if settings.metrics_port:
        metrics = wsgi_server(metrics_door(runtime.metrics), settings, settings.metrics_port)
        threading.Thread(target=metrics.run, name="metrics", daemon=True).start()  # type: ignore[attr-defined]
    try:
        with quiet_libraries():
            handler.connect()
    except (SlackApiError, OSError) as error:
        runtime.close()
        raise slack_refused(error, "SLACK_APP_TOKEN", settings.api_url) from None
    runtime.started("socket", "connection=opening")
    while not stop.wait(0.2):  # a timed wait, so signal handlers run promptly
        pass
    # Stop receiving first (envelopes already received are acknowledged and handed over), then
    # finish every reply in flight.
    handler.close()
    runtime.close()
    return 0
