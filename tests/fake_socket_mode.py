"""A fake Slack Socket Mode server on 127.0.0.1: it delivers envelopes and records the acks.

The bot reaches it through a small TCP relay, so a test can break the connection the way a bad
network does, with no WebSocket close frame: `drop("half_close")` sends a FIN and then swallows
whatever the bot sends (its pings are never answered); `drop("blackhole")` keeps the socket open
and silent, a true half-open connection.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve


class _Link:
    """One bot connection relayed to the WebSocket server, until a test breaks it."""

    def __init__(self, bot: socket.socket, server: socket.socket) -> None:
        self.bot = bot
        self.server = server
        self.mode = "relay"
        threading.Thread(target=self._bot_to_server, daemon=True).start()
        threading.Thread(target=self._server_to_bot, daemon=True).start()

    def _bot_to_server(self) -> None:
        while self.mode != "blackhole":
            try:
                data = self.bot.recv(65536)
            except OSError:
                return
            if not data:
                self.server.close()
                return
            if self.mode == "relay":
                self.server.sendall(data)

    def _server_to_bot(self) -> None:
        while self.mode == "relay":
            try:
                data = self.server.recv(65536)
            except OSError:
                return
            if not data or self.mode != "relay":
                return
            self.bot.sendall(data)

    def drop(self, mode: str) -> None:
        """Stop relaying without a close frame; the bot's socket stays open on our side."""
        self.mode = mode
        if mode == "half_close":
            self.bot.shutdown(socket.SHUT_WR)
        self.server.close()


class FakeSocketMode:
    def __init__(self) -> None:
        self.acks: dict[str, dict] = {}
        self.connected = threading.Event()
        #: WebSocket connections the bot has opened so far.
        self.connections = 0
        self._connection: ServerConnection | None = None
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self.server = serve(self._handle, "127.0.0.1", 0, compression=None, ping_interval=None)
        self._server_port = self.server.socket.getsockname()[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self._relay = socket.create_server(("127.0.0.1", 0))
        self.url = f"ws://127.0.0.1:{self._relay.getsockname()[1]}/link"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                bot, _ = self._relay.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self._server_port))
            self._links.append(_Link(bot, server))

    def _handle(self, connection: ServerConnection) -> None:
        self._connection = connection
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        with self._lock:
            self.connections += 1
        self.connected.set()
        try:
            for message in connection:
                data = json.loads(message)
                if "envelope_id" in data:
                    with self._lock:
                        self.acks[data["envelope_id"]] = data
        except (ConnectionClosed, OSError):
            pass  # a connection the test dropped

    def drop(self, mode: str = "half_close") -> None:
        """Break the latest connection without a close frame (see the module docstring)."""
        self._links[-1].drop(mode)

    def wait_for_connections(self, count: int, timeout: float) -> float:
        """Seconds until the bot has opened `count` connections; fails after `timeout`."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.connections >= count:
                return time.monotonic() - started
            time.sleep(0.02)
        raise AssertionError(f"{self.connections} connection(s) after {timeout} s")

    def deliver(self, kind: str, payload: dict, *, accepts_response_payload: bool = False) -> str:
        """Send one envelope (`events_api`, `slash_commands` or `interactive`); its id."""
        if not self.connected.wait(20) or self._connection is None:
            raise AssertionError("the bot never connected to the Socket Mode server")
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        self._connection.send(json.dumps(envelope))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if envelope_id in self.acks:
                    return self.acks[envelope_id]
            time.sleep(0.01)
        raise AssertionError(f"envelope {envelope_id} was never acknowledged")

    def close(self) -> None:
        self._relay.close()
        self.server.shutdown()
