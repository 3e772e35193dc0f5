"""The HTTP door decides on raw bytes: whatever arrives, signed or not, it answers with a status
and at most one short log line per reason, never a traceback and never a 500 of its own."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_harness import SECRET, InProcessBot, signed_headers

from bot.core.holder import KnowledgeHolder

CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
    ]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
SLACKISH = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["event_callback", "url_verification", "block_actions", "x"]),
        "event": st.dictionaries(
            st.sampled_from(["type", "text", "user", "ts", "channel"]), JSON_VALUES
        ),
    },
    optional={
        "event_id": st.text(max_size=12),
        "team_id": st.text(max_size=12),
        "token": st.text(max_size=8),
    },
)
BODIES = st.one_of(
    st.binary(max_size=300),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    SLACKISH.map(lambda v: json.dumps(v).encode()),
    SLACKISH.map(lambda v: b"payload=" + json.dumps(v).encode()),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.integers(1, 200_000).map(lambda depth: b"[" * depth + b"]" * depth),
)


@pytest.fixture(scope="module")
def door(slack, matcher):
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher))
    yield bot
    bot.close()


def sign(body: bytes) -> dict[str, str]:
    """Slack's signature over the raw bytes (signed_headers signs text)."""
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=BODIES, content_type=CONTENT_TYPES, signed=st.booleans())
def test_any_body_gets_a_status_below_500_and_no_traceback(
    door, body, content_type, signed
) -> None:
    headers = {"Content-Type": content_type, **(sign(body) if signed else signed_headers("x"))}
    before = len(door.output)
    status, _ = door.post("/slack/events", body, headers)
    assert status < 500, (status, body[:80], content_type)
    assert "Traceback" not in door.output[before:]


def test_a_refused_flood_writes_a_line_per_reason_not_per_request(door) -> None:
    before = door.output.count("kind=refused")
    for _ in range(200):
        body = b"\xff\xfe not utf-8 \x80"
        assert (
            door.post(
                "/slack/events", body, {"Content-Type": "application/json", **signed_headers("x")}
            )[0]
            == 400
        )
    assert door.output.count("kind=refused") - before <= 2


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"\xff\xfe\x00not utf-8", "application/json", 400),
        (b"[" * 50_000 + b"]" * 50_000, "application/json", 400),
        (
            b'{"type": "event_callback", "event": {"type": "app_mention"}',
            "application/x-www-form-urlencoded",
            400,
        ),
    ],
    ids=["not_utf8", "nested_too_deep", "form_type_with_broken_json"],
)
def test_signed_hostile_bodies_are_refused_with_400(door, body, content_type, status) -> None:
    before = len(door.output)
    assert (
        door.post("/slack/events", body, {"Content-Type": content_type, **sign(body)})[0] == status
    )
    assert "Traceback" not in door.output[before:]
