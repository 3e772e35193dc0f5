"""A fake Slack Web API on 127.0.0.1 that records every call, for end-to-end tests and benchmarks.

It can also misbehave on purpose: planned faults (429 with Retry-After, 5xx, `ok: false`),
throttling one in N first posts, and slow answers, so tests can check that replies are delivered
exactly once. Run it as a script (`python tests/fake_slack.py --port 0`) for the load benchmark;
`GET /stats` then reports what was delivered, and `GET /posts` when each reply arrived.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qsl


class Call(NamedTuple):
    method: str
    params: dict
    status: int
    ok: bool
    #: When the call was received and answered (time.monotonic(): the system-wide monotonic
    #: clock, so another process on this machine can compare it with its own).
    at: float
    #: The token the call carried (Authorization: Bearer, or a `token` parameter).
    token: str = ""


class Team(NamedTuple):
    """A workspace the fake knows: its bot's token answers auth.test as this team."""

    id: str
    name: str
    bot_user_id: str
    bot_id: str


#: The bot token the harness passes as SLACK_BOT_TOKEN belongs to workspace T1.
DEFAULT_TOKEN = "xoxb-test-bot-token-0000"
DEFAULT_TEAM = Team("T1", "Team One", "UBOT", "BBOT")
#: The app's id, as oauth.v2.access reports it.
APP_ID = "A1"


class Fault(NamedTuple):
    status: int
    body: dict
    headers: dict


class FakeSlack:
    """Answers auth.test, chat.*, views.publish, apps.connections.open, oauth.v2.access and
    response_url posts.

    auth.test answers per token: each bot token belongs to one workspace (`teams`). An OAuth
    code `code-<TEAM>` (see `install_code`) is exchanged by oauth.v2.access for a new bot token
    of workspace <TEAM>; any other code is refused with `invalid_code`.
    """

    def __init__(self, port: int = 0) -> None:
        self.calls: list[Call] = []
        #: Where `apps.connections.open` points Socket Mode clients.
        self.socket_url = ""
        #: Seconds to wait before answering any call (to keep replies in flight).
        self.delay = 0.0
        #: Throttle every Nth first post to a thread with 429 + Retry-After: 1 (0: never).
        self.throttle_every = 0
        self._faults: dict[str, list[Fault]] = {}
        self._first_posts = 0
        self._throttled: set[str] = set()
        self._lock = threading.Lock()
        #: Bot tokens issued, and the workspace each one belongs to.
        self.teams: dict[str, Team] = {DEFAULT_TOKEN: DEFAULT_TEAM}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/stats":
                    self._send(200, fake.stats(), {})
                elif self.path == "/posts":
                    self._send(200, fake.posts(), {})
                else:
                    self._send(404, {"ok": False, "error": "unknown_method"}, {})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                if self.path.startswith("/api/"):
                    method = self.path.rsplit("/", 1)[-1]
                else:
                    method = "response_url"
                if fake.delay:
                    time.sleep(fake.delay)
                bearer = self.headers.get("Authorization") or ""
                token = bearer.removeprefix("Bearer ").strip() or params.get("token", "")
                status, body, headers = fake._answer(method, params, token)
                self._send(status, body, headers)

            def _send(self, status: int, body: dict, headers: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

        self.server = Server(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str = "",
        headers: dict | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls to `method` with an HTTP error or `ok: false`."""
        body = {"ok": False, "error": error or f"http_{status}"}
        with self._lock:
            self._faults.setdefault(method, []).extend([Fault(status, body, headers or {})] * times)

    @staticmethod
    def install_code(team: str) -> str:
        """The OAuth code Slack would hand the installer of workspace `team`."""
        return f"code-{team}"

    def token_of(self, team: str) -> str:
        """The newest bot token issued to workspace `team`."""
        with self._lock:
            tokens = [token for token, known in self.teams.items() if known.id == team]
        if not tokens:
            raise AssertionError(f"no token was issued to {team}")
        return tokens[-1]

    def _install(self, params: dict) -> tuple[int, dict, dict]:
        """oauth.v2.access: Slack's v2 answer for a bot-only install of the code's workspace."""
        code = params.get("code", "")
        if not code.startswith("code-"):
            return 200, {"ok": False, "error": "invalid_code"}, {}
        team_id = code.removeprefix("code-")
        team = Team(team_id, f"Team {team_id}", f"UBOT{team_id}", f"BBOT{team_id}")
        token = f"xoxb-{team_id}-{uuid.uuid4().hex}"
        with self._lock:
            self.teams[token] = team
        body = {
            "ok": True,
            "app_id": APP_ID,
            "authed_user": {"id": f"UINSTALLER{team_id}"},
            "scope": "app_mentions:read,assistant:write,channels:history,chat:write,commands,"
            "groups:history,im:history",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": team.bot_user_id,
            "team": {"id": team.id, "name": team.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        return 200, body, {}

    def _answer(self, method: str, params: dict, token: str = "") -> tuple[int, dict, dict]:
        with self._lock:
            fault = self._next_fault(method, params)
            if fault:
                self.calls.append(
                    Call(method, params, fault.status, False, time.monotonic(), token)
                )
                return fault.status, fault.body, fault.headers
            self.calls.append(Call(method, params, 200, True, time.monotonic(), token))
            team = self.teams.get(token, DEFAULT_TEAM)
        body: dict = {"ok": True}
        if method == "oauth.v2.access":
            return self._install(params)
        if method == "auth.test":
            body |= {
                "user_id": team.bot_user_id,
                "bot_id": team.bot_id,
                "team_id": team.id,
                "team": team.name,
                "user": "tpm-bot",
                "url": f"https://{team.id.lower()}.slack.com/",
            }
        elif method.startswith("chat."):
            body |= {"ts": f"{time.time():.6f}", "channel": params.get("channel")}
        elif method == "conversations.replies":
            body |= {"messages": [], "has_more": False}
        elif method == "apps.connections.open":
            body |= {"url": self.socket_url}
        return 200, body, {}

    def _next_fault(self, method: str, params: dict) -> Fault | None:
        planned = self._faults.get(method)
        if planned:
            return planned.pop(0)
        thread = params.get("thread_ts")
        first_post = method == "chat.postMessage" and thread and thread not in self._throttled
        if self.throttle_every and first_post:
            self._throttled.add(thread)
            self._first_posts += 1
            if self._first_posts % self.throttle_every == 0:
                return Fault(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
        return None

    def calls_to(self, method: str) -> list[dict]:
        """Parameters of the calls to `method` that succeeded (a delivered reply)."""
        with self._lock:
            return [call.params for call in self.calls if call.method == method and call.ok]

    def tokens_for(self, method: str) -> list[str]:
        """The token each successful call to `method` carried."""
        with self._lock:
            return [call.token for call in self.calls if call.method == method and call.ok]

    def attempts_to(self, method: str) -> list[Call]:
        """Every call to `method`, failed ones included."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} {method} call(s), got {self.calls_to(method)}")

    def stats(self) -> dict:
        """Delivered posts per thread, and how many attempts were throttled."""
        with self._lock:
            delivered = Counter(
                c.params.get("thread_ts")
                for c in self.calls
                if c.method == "chat.postMessage" and c.ok
            )
            throttled = sum(1 for c in self.calls if c.status == 429)
        return {"delivered": dict(delivered), "throttled": throttled}

    def posts(self) -> dict:
        """Every delivered chat.postMessage as [thread_ts, when it arrived (time.monotonic())]."""
        with self._lock:
            posts = [
                [c.params.get("thread_ts"), c.at]
                for c in self.calls
                if c.method == "chat.postMessage" and c.ok
            ]
        return {"posts": posts}

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._faults.clear()
        self.delay = 0.0

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--throttle-every", type=int, default=0)
    args = parser.parse_args()
    fake = FakeSlack(args.port)
    fake.throttle_every = args.throttle_every
    print(fake.url, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
