"""Start `tpm-bot serve` / `tpm-bot socket` as real processes and build Slack's payloads."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
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
#: TPM_BOT_ENCRYPTION_KEY of the in-process bots' stores (instances of one deployment share it).
STORE_KEY = "test-encryption-key-for-pseudonyms"
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
        # Run from an empty folder, so a developer's own .env cannot leak into the tests; the
        # bot's database lives there too unless the test names one.
        self._folder = tempfile.TemporaryDirectory()
        full_env = {
            "DATABASE_URL": f"sqlite:///{self._folder.name}/tpm-bot.db",
            **os.environ,
            "PORT": str(self.port),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": f"{api_url}/api/",
            "LOG_LEVEL": "INFO",
            # Words alone: these processes show signals, limits and start-up, not answers, and
            # loading the encoder in each of them was a sixth of the suite's CPU. A test that
            # wants the shipped engine passes TPM_BOT_ENCODER="on".
            "TPM_BOT_ENCODER": "off",
            **env,
        }
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

    def wait_for_output(self, text: str, timeout: float = 20.0, times: int = 1) -> None:
        """Wait until `text` is in the output `times` times."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.output.count(text) >= times:
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


def signed_headers(body: str, *, secret: str = SECRET, age: int = 0) -> dict[str, str]:
    """The headers Slack signs a request with, `age` seconds ago."""
    timestamp = str(int(time.time()) - age)
    base_string = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base_string, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def signed_post(
    target: str | InProcessBot,
    body: str,
    content_type: str,
    *,
    secret: str = SECRET,
    age: int = 0,
    headers: dict | None = None,
    timeout: float = 10,
) -> tuple[int, str]:
    """POST a signed request to a server's base URL, or straight into an in-process bot."""
    all_headers = {
        "Content-Type": content_type,
        **signed_headers(body, secret=secret, age=age),
        **(headers or {}),
    }
    if isinstance(target, InProcessBot):
        return target.post("/slack/events", body.encode(), all_headers)
    request = urllib.request.Request(
        f"{target}/slack/events", data=body.encode(), method="POST", headers=all_headers
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class InProcessBot:
    """The real Bolt app and HTTP door, built in this process against a fake Slack Web API.

    Requests go straight into the WSGI application (no server, no subprocess), replies run on
    the app's own reply pool and reach the fake API over loopback, and every log line the app
    writes is kept, formatted as the server would write it, for assertions.
    """

    def __init__(
        self, api_url: str, holder, log_level: str = "INFO", store=None, **settings
    ) -> None:
        from slack_bolt.adapter.wsgi import SlackRequestHandler

        from bot.settings import Settings
        from bot.slack.app import oauth_paths
        from bot.slack.http import slack_door
        from bot.slack.logs import RedactingFormatter
        from bot.slack.runtime import Runtime

        self.settings = Settings(
            bot_token=BOT_TOKEN,
            signing_secret=SECRET,
            app_token=APP_TOKEN,
            api_url=f"{api_url}/api/",
            log_level=log_level,
            **settings,
        )
        self._lines: list[str] = []
        self._handler = _ListHandler(self._lines)
        self._handler.setFormatter(RedactingFormatter(self.settings.secrets()))
        root = logging.getLogger()
        self._old_level = root.level
        root.addHandler(self._handler)
        root.setLevel(log_level)
        self.holder = holder
        #: The bot's database: the given store, or a fresh SQLite file of its own.
        self._own_store = store is None
        self.store = store if store is not None else fresh_store()
        # The runtime `serve` and `socket` run, with fewer reply threads.
        self.runtime = Runtime(self.settings, holder, store=self.store, threads=8)
        self.replies = self.runtime.replies
        self.app = self.runtime.app
        self.metrics = self.runtime.metrics
        self.wsgi = slack_door(
            SlackRequestHandler(self.app),
            SECRET,
            extra_paths=oauth_paths(self.app),
            metrics=self.metrics,
        )

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": headers.get("Content-Type", ""),
            "wsgi.input": io.BytesIO(body),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[f"HTTP_{key}"] = value
        status: list[str] = []
        chunks = self.wsgi(environ, lambda s, h, *_: status.append(s))
        return int(status[0][:3]), b"".join(chunks).decode()

    def get(self, path: str) -> int:
        status: list[str] = []
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": io.BytesIO()}
        self.wsgi(environ, lambda s, h, *_: status.append(s))
        return int(status[0][:3])

    def browse(
        self, path: str, query: str = "", headers: dict[str, str] | None = None
    ) -> tuple[int, list[tuple[str, str]], str]:
        """GET as a browser would: (status, response headers, body)."""
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_LENGTH": "0",
            "wsgi.input": io.BytesIO(),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        for name, value in (headers or {}).items():
            environ[f"HTTP_{name.upper().replace('-', '_')}"] = value
        started: list[tuple[str, list[tuple[str, str]]]] = []
        chunks = self.wsgi(environ, lambda s, h, *_: started.append((s, h)))
        status, response_headers = started[0]
        return int(status[:3]), response_headers, b"".join(chunks).decode()

    @property
    def output(self) -> str:
        return "\n".join(self._lines)

    def wait_for_output(self, text: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output:
                return
            time.sleep(0.01)
        raise AssertionError(f"never logged {text!r}; log:\n{self.output}")

    def finish_replies(self) -> None:
        """Wait until every reply under way has been sent (or failed)."""
        self.replies.shutdown(wait=True)

    def close(self) -> None:
        self.runtime.close()
        if self._own_store:
            self.store.close()
        root = logging.getLogger()
        root.removeHandler(self._handler)
        root.setLevel(self._old_level)


_TEMPLATE: list[str] = []


def fresh_store(folder: str | None = None):
    """A store on a new SQLite file, copied from one migrated once per test process (a copy
    costs far less than running the migrations again)."""
    import shutil

    from bot.store.store import Store

    if not _TEMPLATE:
        template = os.path.join(tempfile.mkdtemp(prefix="tpm-template-"), "template.db")
        store = Store.open(f"sqlite:///{template}", key=STORE_KEY)
        store.upgrade()
        with store.engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        _TEMPLATE.append(template)
    owned = folder is None
    folder = folder or tempfile.mkdtemp(prefix="tpm-store-")
    path = os.path.join(folder, "tpm-bot.db")
    shutil.copyfile(_TEMPLATE[0], path)
    store = Store.open(f"sqlite:///{path}", key=STORE_KEY)
    store.migrated = True
    if owned:
        close = store.close

        def close_and_remove() -> None:
            close()
            shutil.rmtree(folder, ignore_errors=True)

        store.close = close_and_remove  # type: ignore[method-assign]
    return store


class _ListHandler(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


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


def view_submission(
    callback_id: str, values: dict, private_metadata: str, user: str = "U1", team: str = "T1"
) -> str:
    """The form Slack posts when someone submits a modal with these input `values`."""
    submission = {
        "type": "view_submission",
        "team": {"id": team},
        "user": {"id": user},
        "api_app_id": "A1",
        "trigger_id": "t",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": values},
        },
    }
    return urlencode({"payload": json.dumps(submission)})


def reason_submission(text: str, private_metadata: str, user: str = "U1", team: str = "T1") -> str:
    """The form Slack posts when someone submits the 👎 "what were you looking for?" modal."""
    from bot.slack.blocks import FEEDBACK_REASON, FEEDBACK_REASON_INPUT

    field = {FEEDBACK_REASON_INPUT: {"type": "plain_text_input", "value": text}}
    values = {FEEDBACK_REASON_INPUT: field}
    return view_submission(FEEDBACK_REASON, values, private_metadata, user, team)
