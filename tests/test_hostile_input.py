"""Whatever people paste, they get one well-formed reply: answered or helped, never an exception,
never a broadcast, and as cheap to handle as a normal question."""

from __future__ import annotations

import http.client
import json
import time

import pytest
from helpers import BROADCASTS, slack_limit_problems
from slack_harness import send_event

from bot.core.holder import KnowledgeHolder
from bot.slack.listeners.answering import answer

HOSTILE = {
    "empty": "",
    "whitespace only": " \t\n  \u3000 ",
    "40,000 characters": "what does a tpm do " * 2_106,
    "one 40,000-character word": "a" * 40_000,
    "control characters": "\x00\x01what\x07 is\x1b[31m a tpm\x7f?",
    "right-to-left": "\u202eما هو مدير المنتج التقني؟ tpm salary",
    "CJK": "技术产品经理的工资是多少？",
    "emoji only": "🚀🔥💯 :tada: :rocket:",
    "mentions only": "<@U1> <@U2|bob> <!here> <!channel>",
    "malformed markup": "<<<< <http://x <@ <!channel tpm >>> <|> <#|>",
    "escaped entities": "&lt;!channel&gt; &amp;amp; what is a tpm &lt;@U1&gt;",
    "nested brackets": "<" * 5_000 + "salary" + ">" * 5_000,
    "repeated punctuation": "?!" * 10_000,
    "mixed scripts with a question": "Привет! what is a technical product manager? 你好",
}


@pytest.fixture(scope="module")
def holder(matcher) -> KnowledgeHolder:
    return KnowledgeHolder(matcher)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_gets_a_well_formed_reply_in_bounded_time(holder, text: str) -> None:
    started = time.perf_counter()
    message = answer(holder, text)[0].as_kwargs()
    # A guard against pathological slowness (regex backtracking, quadratic loops), not a speed
    # target: a normal question takes a fraction of a millisecond (see bench/matcher.py).
    assert time.perf_counter() - started < 1.0
    assert slack_limit_problems(message) == []
    rendered = json.dumps(message, ensure_ascii=False)
    assert not any(marker in rendered for marker in BROADCASTS)


@pytest.mark.parametrize("name", HOSTILE.keys())
def test_hostile_direct_messages_get_exactly_one_reply(bot, slack, name: str) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": HOSTILE[name],
        "ts": "9.9",
        "channel": "D1",
    }
    assert send_event(bot, event, f"EvH-{name}")[0] == 200
    bot.finish_replies()
    [message] = slack.calls_to("chat.postMessage")
    assert message["channel"] == "D1"
    assert slack_limit_problems(message) == []
    assert "Traceback" not in bot.output


def test_a_body_over_a_megabyte_is_refused_before_any_work_by_a_real_server(
    http_bot, slack
) -> None:
    slack.reset()
    # Only the headers are sent: the server must refuse on the declared length alone, before
    # reading (or waiting for) a byte of the body.
    connection = http.client.HTTPConnection("127.0.0.1", http_bot.port, timeout=5)
    connection.putrequest("POST", "/slack/events")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", "1100000")
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()
    assert slack.calls_to("chat.postMessage") == []
