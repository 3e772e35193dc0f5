"""Socket Mode on websocket-client with a pong deadline, so a dead connection is replaced within
seconds instead of a minute.

slack_sdk's builtin client only calls a connection stale after four ping intervals without a
pong (about 50 s with Bolt's defaults), and when the server's side ends without a close frame
its receive loop reads b"" over and over, spinning a core the whole time. websocket-client's
event loop waits in select() and treats end of stream as a closed connection, which slack_sdk
answers by opening a new one; what slack_sdk does not pass it is a pong deadline, which is the
one thing added here. Slack's servers answer pings at once, so a second is generous.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.websocket_client import SocketModeClient

if TYPE_CHECKING:
    from bot.slack.metrics import Metrics

log = logging.getLogger("tpm_bot")

#: Seconds between pings. A silent connection is replaced within about PING + 2 x PONG seconds,
#: plus the 3 s websocket-client waits for a close frame in reply to its own.
PING_INTERVAL_SECONDS = 2.0
#: Seconds a pong may take (websocket-client needs it below the ping interval).
PONG_TIMEOUT_SECONDS = 1.0
#: Seconds to wait for the close frame answering ours.
CLOSE_TIMEOUT_SECONDS = 1.0
#: Pauses between attempts to reconnect while Slack refuses or cannot be reached: the first,
#: and the most any pause grows to. A connection that lived this long resets them.
FIRST_PAUSE_SECONDS = 0.5
MAX_PAUSE_SECONDS = 30.0
STABLE_SECONDS = 60.0


class NoSocketUrl(Exception):
    """apps.connections.open answered without a URL to connect to."""


class _DeadlineClient(SocketModeClient):
    """slack_sdk's websocket-client Socket Mode client, passing a pong deadline to run_forever,
    and reconnecting until it succeeds.

    slack_sdk reconnects from the closed connection's callback, once: if Slack refuses or cannot
    be reached at that moment, the error ends the callback and the bot stays offline for good.
    Here a failed attempt is retried after a pause that doubles up to half a minute (with
    jitter, so several instances do not retry in step), and connections that keep dying at once
    are paced the same way, so an outage is ridden out without hammering Slack."""

    _pause = 0.0
    _connected_at = 0.0
    _stopping: threading.Event | None = None

    def issue_new_wss_url(self) -> str:
        """Slack's URL for a new connection; an answer without one is a failure to retry, not
        a URL to try (websocket-client refuses it, and the session loop would try it again
        every half second for ever)."""
        url = super().issue_new_wss_url()
        if not url:
            raise NoSocketUrl("apps.connections.open returned no URL")
        return url

    def connect(self) -> None:
        """Connect; when Slack gives no URL, keep trying in the background with back-off
        (the caller goes on: Slack did not refuse the token)."""
        try:
            super().connect()
        except NoSocketUrl:
            self.logger.warning("kind=socket decision=no_url retry=backoff")
            threading.Thread(
                target=self.connect_to_new_endpoint, name="socket-reconnect", daemon=True
            ).start()

    def connect_to_new_endpoint(self, force: bool = False) -> None:
        stopping = self._stopping = self._stopping or threading.Event()
        if time.monotonic() - self._connected_at >= STABLE_SECONDS:
            self._pause = 0.0  # a connection that lived a while: reconnect at once
        while not self.closed and not stopping.is_set():
            if self._pause:
                stopping.wait(self._pause * random.uniform(0.8, 1.0))
                if self.closed or stopping.is_set():
                    return
            self._pause = min(max(self._pause * 2, FIRST_PAUSE_SECONDS), MAX_PAUSE_SECONDS)
            try:
                super().connect_to_new_endpoint(force)
            except Exception as error:  # Slack refused, or could not be reached: try again
                self.logger.warning(
                    f"kind=socket decision=reconnect_failed error={type(error).__name__} "
                    f"retry_in_s={self._pause:.1f}"
                )
                continue
            self._connected_at = time.monotonic()
            return

    def _run_current_session(self) -> None:
        session = self.current_session
        if session is None:
            return
        try:
            session.run_forever(
                ping_interval=self.ping_interval,
                ping_timeout=PONG_TIMEOUT_SECONDS,
                http_proxy_host=self.http_proxy_host,
                http_proxy_port=self.http_proxy_port,
                http_proxy_auth=self.http_proxy_auth,
                proxy_type=self.proxy_type,
            )
        except Exception as error:
            # A session that could not start never fires on_close: reconnect from here, with
            # the same back-off, for a new URL (the old one may be what failed).
            self.logger.warning(f"kind=socket decision=session_failed error={type(error).__name__}")
            session.close(timeout=CLOSE_TIMEOUT_SECONDS)
            if not self.closed:
                self.connect_to_new_endpoint(force=True)

    def disconnect(self) -> None:
        """Close the connection, waiting at most a second for Slack's close frame (the library
        waits three), so that SIGTERM finishes quickly (and ends any pause between attempts)."""
        if self._stopping is not None:
            self._stopping.set()
        if self.current_session is not None:
            self.current_session.close(timeout=CLOSE_TIMEOUT_SECONDS)

    def _monitor_current_session(self) -> None:
        """Reconnecting is left to on_close, which websocket-client fires whenever a session
        ends (end of stream, pong deadline, error). slack_sdk's monitor also reconnects when a
        session has no socket, which is true of every new session until its first run: it
        raced them and opened two to four connections per reconnect instead of one."""


class HealthCheckedSocketModeHandler(SocketModeHandler):
    """Bolt's websocket-client Socket Mode handler, on the client above, timing each
    acknowledgement and saying when a connection is open."""

    def __init__(self, app: App, app_token: str, metrics: Metrics | None = None) -> None:
        self.metrics = metrics
        self.app = app
        self.app_token = app_token
        self.client = _DeadlineClient(
            app_token=app_token,
            logger=app.logger,
            web_client=app.client,
            ping_interval=PING_INTERVAL_SECONDS,
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]
        self.client.on_open_listeners.append(self._opened)

    def _opened(self, _: Any) -> None:
        log.info("kind=socket decision=connected")

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        started = time.perf_counter()
        super().handle(client, req)
        if self.metrics is not None:
            self.metrics.ack_seconds.observe(time.perf_counter() - started)
