"""Teaching the bot from Slack (issue 22), in process against the fake Web API: a maintainer
uses the *Teach tpm-bot* shortcut on a question the bot declined, the modal saves a pending
example, `tpm-bot review` writes it to the team file, and after a reload the bot answers the
question and a paraphrase with the labelled section. Anyone else is politely refused."""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pytest
from slack_harness import (
    InProcessBot,
    fresh_store,
    mention,
    send_event,
    signed_post,
    view_submission,
)

from bot.cli import main
from bot.core.holder import KnowledgeHolder
from bot.slack.listeners.shortcuts import NOT_A_MAINTAINER, NOT_COVERED, TEACH, TEACH_VIEW

MAINTAINER = "UMAINT1"
DECLINED = "what does the glue person on a product team do"
PARAPHRASE = "what does the glue guy in a product team actually do"
TITLE = "Liaising with cross-functional teams"


@pytest.fixture
def teach_bot(slack, tmp_path, monkeypatch):
    """The bot over a team file, with one maintainer, its store a SQLite file `review` reads."""
    team = tmp_path / "team.yaml"
    team.write_text("examples: {}\n", encoding="utf-8")
    store = fresh_store(str(tmp_path))
    slack.reset()
    holder = KnowledgeHolder.load([str(team)])
    bot = InProcessBot(slack.url, holder, store=store, maintainers=(MAINTAINER,))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/tpm-bot.db")
    monkeypatch.setenv("TPM_BOT_KNOWLEDGE", str(team))
    yield bot, team
    bot.close()
    store.close()


def shortcut(bot, slack, user: str, text: str, ts: str) -> tuple[int, str]:
    payload = {
        "type": "message_action",
        "callback_id": TEACH,
        "trigger_id": "trigger-1",
        "response_url": f"{slack.url}/response/teach",
        "team": {"id": "T1", "domain": "one"},
        "user": {"id": user, "team_id": "T1"},
        "channel": {"id": "C1", "name": "general"},
        "message": {"type": "message", "user": "U1", "text": text, "ts": ts},
        "message_ts": ts,
        "action_ts": "1.1",
        "token": "legacy",
    }
    form = urlencode({"payload": json.dumps(payload)})
    return signed_post(bot, form, "application/x-www-form-urlencoded")


def submit(bot, user: str, view: dict, question: str, section: str, note: str | None = None):
    values = {
        "question": {"question": {"type": "plain_text_input", "value": question}},
        "section": {
            "section": {
                "type": "static_select",
                "selected_option": {"value": section, "text": {"type": "plain_text", "text": "x"}},
            }
        },
        "note": {"note": {"type": "plain_text_input", "value": note}},
    }
    form = view_submission(TEACH_VIEW, values, view["private_metadata"], user=user)
    return signed_post(bot, form, "application/x-www-form-urlencoded")


def ask(bot, slack, question: str, ts: str) -> str:
    """Mention the bot; the text of its reply in the thread."""
    before = len(slack.calls_to("chat.postMessage"))
    assert send_event(bot, mention(f"<@UBOT> {question}", ts), f"Ev{ts}")[0] == 200
    posted = slack.wait_for("chat.postMessage", before + 1)[-1]
    return posted["text"] + json.dumps(posted.get("blocks"))


def opened_view(slack) -> dict:
    [opened] = slack.wait_for("views.open")
    return json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]


def test_a_maintainer_teaches_a_declined_question_through_the_shortcut_and_review(
    teach_bot, slack, monkeypatch, capsys
) -> None:
    bot, team = teach_bot
    assert "doesn't cover" in ask(bot, slack, DECLINED, "800.1")

    assert shortcut(bot, slack, MAINTAINER, f"<@UBOT> {DECLINED}", "800.1")[0] == 200
    view = opened_view(slack)
    assert view["callback_id"] == TEACH_VIEW
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["question"]["element"]["initial_value"] == DECLINED  # no mention kept
    options = [o["value"] for o in blocks["section"]["element"]["options"]]
    assert options[0] == NOT_COVERED and "cross-functional-liaison" in options

    status, body = submit(bot, MAINTAINER, view, DECLINED, "cross-functional-liaison")
    assert status == 200 and json.loads(body)["response_action"] == "update"
    bot.wait_for_output("kind=teach decision=taught_example section=cross-functional-liaison")
    assert DECLINED not in bot.output  # no log line carries what anybody typed
    # Nothing has left the store: the file is untouched until a maintainer runs review.
    assert team.read_text() == "examples: {}\n"

    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("y\ny\n"))
    assert main(["review", "--to", str(team)]) == 0
    out = capsys.readouterr().out
    assert "labelled in Slack as cross-functional-liaison" in out
    assert main(["validate", str(team)]) == 0

    assert bot.holder.reload("test")
    assert TITLE in ask(bot, slack, DECLINED, "801.1")
    assert TITLE in ask(bot, slack, PARAPHRASE, "802.1")
    # Exported: review no longer lists it.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    capsys.readouterr()
    assert main(["review", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_marking_a_message_not_covered_needs_a_note_and_is_then_declined_with_it(
    teach_bot, slack, monkeypatch, capsys
) -> None:
    bot, team = teach_bot
    question = "how much does google pay its product managers"
    assert shortcut(bot, slack, MAINTAINER, question, "810.1")[0] == 200
    view = opened_view(slack)
    status, body = submit(bot, MAINTAINER, view, question, NOT_COVERED, None)
    assert status == 200 and "note" in json.loads(body)["errors"]
    _, body = submit(bot, MAINTAINER, view, question, NOT_COVERED, "pay at Google")
    assert json.loads(body)["response_action"] == "update"
    bot.wait_for_output("kind=teach decision=taught_gap")

    monkeypatch.setattr("sys.stdin", io.StringIO("y\ny\n"))
    assert main(["review", "--to", str(team)]) == 0
    assert bot.holder.reload("test")
    assert "The guide doesn't cover pay at Google." in ask(bot, slack, question, "811.1")


def test_anyone_but_a_maintainer_is_refused_politely_and_nothing_opens(teach_bot, slack) -> None:
    bot, _ = teach_bot
    assert shortcut(bot, slack, "U2", DECLINED, "820.1")[0] == 200
    [refusal] = slack.wait_for("response_url")
    assert refusal["text"] == NOT_A_MAINTAINER and refusal["response_type"] == "ephemeral"
    bot.wait_for_output("kind=shortcut decision=refused")
    assert slack.calls_to("views.open") == []
    # A submission forged for someone else is refused too, and nothing is kept.
    view = {"private_metadata": "{}"}
    _, body = submit(bot, "U2", view, DECLINED, "levels")
    assert "errors" in json.loads(body)
    assert bot.store.teaching.candidates(0) == []


def test_the_shortcut_on_the_bots_own_answer_asks_about_the_question_it_answered(
    teach_bot, slack
) -> None:
    bot, _ = teach_bot
    payload_text = "Liaising with cross-functional teams ..."
    # The bot's answer in a thread: the fake API has no thread, so the question starts empty.
    from slack_harness import signed_post as post

    message = {"type": "message", "bot_id": "BBOT", "user": "UBOT", "text": payload_text,
               "ts": "830.2", "thread_ts": "830.1"}  # fmt: skip
    payload = {
        "type": "message_action",
        "callback_id": TEACH,
        "trigger_id": "trigger-2",
        "response_url": f"{slack.url}/response/teach",
        "team": {"id": "T1"},
        "user": {"id": MAINTAINER},
        "channel": {"id": "C1"},
        "message": message,
        "message_ts": "830.2",
    }
    post(bot, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    view = opened_view(slack)
    [replies] = slack.calls_to("conversations.replies")
    assert replies["ts"] == "830.1"
    question = {b.get("block_id"): b for b in view["blocks"]}["question"]["element"]
    assert not question.get("initial_value")
