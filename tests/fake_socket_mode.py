"""A fake Slack Socket Mode server on 127.0.0.1: it delivers envelopes and records the acks."""

from __future__ import annotations

import json
import threading
import time
import uuid

from websockets.sync.server import ServerConnection, serve


class FakeSocketMode:
    def __init__(self) -> None:
        self.acks: dict[str, dict] = {}
        self.connected = threading.Event()
        self._connection: ServerConnection | None = None
        self._lock = threading.Lock()
        self.server = serve(self._handle, "127.0.0.1", 0, compression=None, ping_interval=None)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handle(self, connection: ServerConnection) -> None:
        self._connection = connection
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        self.connected.set()
        for message in connection:
            data = json.loads(message)
            if "envelope_id" in data:
                with self._lock:
                    self.acks[data["envelope_id"]] = data

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
        self.server.shutdown()
