"""Each listener called on its own, as Bolt would call it, with mocks of what Bolt hands it
(`ack`, `say`, `respond`, `client`) and a context carrying the app's Services. The HTTP tests
(test_slack_http.py) cover the same listeners behind the door, signed, end to end."""

from __future__ import annotations

from unittest.mock import Mock

import pytest
from slack_bolt import BoltContext

from bot.core.conversations import MemoryConversations
from bot.core.holder import KnowledgeHolder
from bot.settings import Settings
from bot.slack.dedupe import EventClaims
from bot.slack.listeners import actions, commands, events
from bot.slack.listeners.handled import Handled, logged
from bot.slack.listeners.services import SERVICES, Services
from bot.slack.metrics import Metrics

TEAM_FILE = """
commands:
  /tpm-oncall: team-oncall
sections:
  - id: team-oncall
    title: TPM on-call rota
    summary: TPMs in our team are on call one week in six.
    body: The rota lives in the team wiki; swaps go through the channel.
    aliases: [on call rota]
    questions: [when are TPMs on call?]
    related: []
    source: Team wiki
"""


@pytest.fixture
def services(matcher) -> Services:
    return Services(
        KnowledgeHolder(matcher),
        Settings(),
        MemoryConversations(),
        metrics=Metrics(),
        claims=EventClaims(),
    )


@pytest.fixture
def context(services) -> BoltContext:
    return BoltContext({SERVICES: services, "bot_user_id": "UBOT", "team_id": "T1"})


def posted_text(mock: Mock) -> str:
    kwargs = mock.call_args.kwargs
    return kwargs["text"] + " " + str(kwargs.get("blocks", ""))


def test_a_mention_is_answered_in_a_thread_under_it(context) -> None:
    say = Mock()
    event = {"user": "U1", "text": "<@UBOT> how much does a TPM earn in India?", "ts": "10.1"}
    handled = events.on_mention(event=event, say=say, context=context)
    assert handled == Handled("answer", "salary-india")
    assert say.call_args.kwargs["thread_ts"] == "10.1"
    assert "26.5" in posted_text(say)


def test_a_mention_from_a_bot_is_ignored_without_a_word(context) -> None:
    say = Mock()
    event = {"bot_id": "B1", "text": "<@UBOT> what is a tpm", "ts": "10.2"}
    assert events.on_mention(event=event, say=say, context=context).decision.startswith("ignored")
    say.assert_not_called()


def test_a_follow_up_in_a_thread_continues_the_conversation(context) -> None:
    say = Mock()
    first = {"user": "U1", "text": "<@UBOT> what are the TPM levels?", "ts": "11.1"}
    assert events.on_mention(event=first, say=say, context=context).section == "levels"
    follow = {"user": "U1", "text": "and the senior one?", "ts": "11.2", "thread_ts": "11.1"}
    handled = events.on_message(event=follow, say=say, context=context)
    assert handled.section == "level-senior"
    assert say.call_args.kwargs["thread_ts"] == "11.1"


def test_chatter_in_a_thread_the_bot_never_answered_in_gets_no_reply(context) -> None:
    say = Mock()
    chatter = {"user": "U1", "text": "lunch?", "ts": "12.2", "thread_ts": "12.1"}
    assert events.on_message(event=chatter, say=say, context=context) == Handled(
        "quiet not_our_thread"
    )
    say.assert_not_called()


def test_opening_the_home_tab_publishes_the_topics(context) -> None:
    client = Mock()
    handled = events.on_home_opened(
        event={"user": "U1", "tab": "home"}, client=client, context=context
    )
    assert handled == Handled("publish")
    assert client.views_publish.call_args.kwargs["user_id"] == "U1"


def test_tpm_command_acknowledges_then_answers_privately(context) -> None:
    ack, respond = Mock(), Mock()
    command = {"command": "/tpm", "text": "pm vs tpm, what's the difference?", "team_id": "T1"}
    handled = commands.on_tpm(ack=ack, command=command, respond=respond, context=context)
    ack.assert_called_once_with()
    assert handled.section == "pm-vs-tpm"
    assert respond.call_args.kwargs["response_type"] == "ephemeral"


def test_tpm_command_without_a_question_shows_help(context) -> None:
    ack, respond = Mock(), Mock()
    command = {"command": "/tpm", "text": "  "}
    assert commands.on_tpm(ack=ack, command=command, respond=respond, context=context) == Handled(
        "help"
    )


def test_a_topic_command_shows_its_topic(context) -> None:
    ack, respond = Mock(), Mock()
    command = {"command": "/tpm-salary", "text": ""}
    handled = commands.on_topic_command(ack=ack, command=command, respond=respond, context=context)
    assert handled == Handled("topic", "salary-india")


def test_a_word_after_a_topic_command_picks_one_of_its_parts(context) -> None:
    ack, respond = Mock(), Mock()
    picks = {
        ("/tpm-levels", "Director"): "level-director-vp",
        ("/tpm-levels", "vp"): "level-director-vp",
        ("/tpm-levels", "senior"): "level-senior",
        ("/tpm-levels", ""): "levels",
        ("/tpm-levels", "intern"): "levels",
        ("/tpm-become", "2"): "gain-pm-experience",
        ("/tpm-become", "9"): "how-to-become",
    }
    for (name, text), section in picks.items():
        command = {"command": name, "text": text}
        handled = commands.on_topic_command(
            ack=ack, command=command, respond=respond, context=context
        )
        assert handled == Handled("topic", section), (name, text)


def test_a_command_the_knowledge_does_not_name_shows_the_help(context) -> None:
    ack, respond = Mock(), Mock()
    command = {"command": "/tpm-unknown", "text": ""}
    handled = commands.on_topic_command(ack=ack, command=command, respond=respond, context=context)
    assert handled == Handled("help")


def test_a_teams_own_command_shows_its_own_section(tmp_path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM_FILE, encoding="utf-8")
    holder = KnowledgeHolder.load([str(team)], encoder=False)
    context = BoltContext(
        {SERVICES: Services(holder, Settings(), MemoryConversations()), "team_id": "T1"}
    )
    respond = Mock()
    command = {"command": "/tpm-oncall", "text": ""}
    handled = commands.on_topic_command(
        ack=Mock(), command=command, respond=respond, context=context
    )
    assert handled == Handled("topic", "team-oncall")
    assert "on call" in respond.call_args.kwargs["text"].lower()


def test_a_click_on_a_topic_in_a_channel_message_answers_in_its_thread(context) -> None:
    ack, respond, client = Mock(), Mock(), Mock()
    body = {
        "actions": [{"action_id": "show_section:levels", "value": "levels"}],
        "container": {"type": "message", "channel_id": "C1", "message_ts": "13.1"},
        "message": {"ts": "13.1"},
        "user": {"id": "U1"},
    }
    handled = actions.on_show_section(
        ack=ack, body=body, respond=respond, client=client, context=context
    )
    assert handled == Handled("topic", "levels")
    assert client.chat_postMessage.call_args.kwargs["thread_ts"] == "13.1"


def test_a_vote_without_a_store_says_it_was_not_recorded(context) -> None:
    ack, respond, client = Mock(), Mock(), Mock()
    body = {
        "actions": [{"action_id": "feedback", "value": "helpful:answer:levels"}],
        "container": {"channel_id": "C1", "message_ts": "14.1"},
        "user": {"id": "U1"},
    }
    handled = actions.on_feedback(
        ack=ack, body=body, respond=respond, client=client, context=context
    )
    assert handled == Handled("not_recorded", "levels")
    assert respond.call_args.kwargs["text"] == actions.NOT_RECORDED


def test_a_delivery_is_answered_once_and_counted_as_a_retry_after(context, services) -> None:
    say = Mock()
    answered = logged("mention")(events.on_mention)
    body = {"type": "event_callback", "event_id": "Ev1"}
    event = {"user": "U1", "text": "<@UBOT> what is a tpm?", "ts": "15.1"}
    answered(event=event, say=say, context=context, body=body)
    answered(event=event, say=say, context=context, body=body)
    assert say.call_count == 1
    page = services.metrics.exposition()[0].decode()
    assert 'tpm_bot_events_total{decision="answer",kind="mention"} 1.0' in page
    assert 'tpm_bot_events_total{decision="retry",kind="mention"} 1.0' in page
