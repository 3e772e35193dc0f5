"""Start `tpm-bot serve` / `tpm-bot socket` as real processes and build Slack's payloads."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-bot-token-0000"
APP_TOKEN = "xapp-test-app-token-0000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BotProcess:
    """A running `python -m bot <mode>`; its combined output is collected for assertions."""

    def __init__(self, mode: str, api_url: str, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full_env = {
            **os.environ,
            "PORT": str(self.port),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": f"{api_url}/api/",
            "LOG_LEVEL": "INFO",
            **env,
        }
        # Run from an empty folder, so a developer's own .env cannot leak into the tests.
        self._folder = tempfile.TemporaryDirectory()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", mode],
            env=full_env,
            cwd=self._folder.name,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def wait_for_output(self, text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"never printed {text!r}; output:\n{self.output}")

    def wait_until_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"server did not start; output:\n{self.output}")

    def stop(self, timeout: float = 30.0) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        self._folder.cleanup()
        return code


def signed_post(
    base: str,
    body: str,
    content_type: str,
    *,
    secret: str = SECRET,
    age: int = 0,
    headers: dict | None = None,
    timeout: float = 10,
) -> tuple[int, str]:
    timestamp = str(int(time.time()) - age)
    base_string = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base_string, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"{base}/slack/events",
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def event_callback(event: dict, event_id: str) -> dict:
    return {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": event,
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
    }


def mention(text: str, ts: str, channel: str = "C1", **extra: str) -> dict:
    return {
        "type": "app_mention",
        "user": "U1",
        "text": text,
        "ts": ts,
        "channel": channel,
        **extra,
    }


def command_fields(command: str, text: str, response_url: str) -> dict:
    return {
        "command": command,
        "text": text,
        "user_id": "U1",
        "channel_id": "C1",
        "team_id": "T1",
        "response_url": response_url,
        "trigger_id": "t1",
        "api_app_id": "A1",
    }


def block_actions(
    action_id: str, value: str, container: dict, response_url: str, **extra: object
) -> dict:
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "api_app_id": "A1",
        "container": container,
        "trigger_id": "t",
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "value": value,
                "block_id": "b",
                "type": "button",
                "action_ts": "1",
            }
        ],
        **extra,
    }


def send_event(base: str, event: dict, event_id: str, **kwargs) -> tuple[int, str]:
    return signed_post(
        base, json.dumps(event_callback(event, event_id)), "application/json", **kwargs
    )


def send_command(base: str, api_url: str, command: str, text: str = "") -> tuple[int, str]:
    form = urlencode(command_fields(command, text, f"{api_url}/response/1"))
    return signed_post(base, form, "application/x-www-form-urlencoded")


def click(
    base: str, api_url: str, action_id: str, value: str, container: dict, **extra: object
) -> tuple[int, str]:
    payload = block_actions(action_id, value, container, f"{api_url}/response/2", **extra)
    form = urlencode({"payload": json.dumps(payload)})
    return signed_post(base, form, "application/x-www-form-urlencoded")
