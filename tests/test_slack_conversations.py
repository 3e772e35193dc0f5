"""Conversations: follow-ups in threads without a mention, DMs with memory, Slack's assistant
surface, and a hand-off to people. In process, against the fake Web API."""

from __future__ import annotations

import time

import pytest
from slack_harness import InProcessBot, send_event

from bot.core.holder import KnowledgeHolder


def mention(text: str, ts: str, thread_ts: str | None = None) -> dict:
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": f"<@UBOT> {text}",
        "ts": ts,
        "channel": "C1",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def thread_message(text: str, ts: str, thread_ts: str, user: str = "U2") -> dict:
    return {
        "type": "message",
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": ts,
        "thread_ts": thread_ts,
        "channel": "C1",
    }


def posts(bot: InProcessBot, slack) -> list[dict]:
    bot.finish_replies()
    return slack.calls_to("chat.postMessage")


def first_answer_then(bot, slack, follow_up: str) -> list[dict]:
    """The bot answers a mention in thread 100.0, then somebody writes `follow_up` there."""
    assert send_event(bot, mention("how much does a tpm earn in india?", "100.0"), "EvC1")[0] == 200
    bot.wait_for_output("kind=mention")  # answered, and the thread remembered
    assert send_event(bot, thread_message(follow_up, "101.0", "100.0"), "EvC2")[0] == 200
    return posts(bot, slack)


def test_a_follow_up_in_a_thread_the_bot_answered_is_answered_without_a_mention(bot, slack) -> None:
    first, second = first_answer_then(bot, slack, "and how do I become one?")
    assert first["thread_ts"] == "100.0" and second["thread_ts"] == "100.0"
    assert second["text"].startswith("How to become a Technical Product Manager")


def test_a_follow_up_sent_while_the_first_reply_waits_out_a_rate_limit_is_answered(
    bot, slack
) -> None:
    slack.fail("chat.postMessage", status=429, error="ratelimited", headers={"Retry-After": "1"})
    assert send_event(bot, mention("how much does a tpm earn in india?", "110.0"), "EvR1")[0] == 200
    time.sleep(0.3)  # the first reply is now sleeping out its Retry-After
    follow = thread_message("and how do I become one?", "111.0", "110.0")
    assert send_event(bot, follow, "EvR2")[0] == 200
    replies = slack.wait_for("chat.postMessage", count=2, timeout=10)
    assert sorted(r["thread_ts"] for r in replies) == ["110.0", "110.0"]
    assert any(r["text"].startswith("How to become") for r in replies)


def test_chatter_in_the_thread_that_matches_nothing_gets_silence(bot, slack) -> None:
    assert len(first_answer_then(bot, slack, "lol anyone up for lunch?")) == 1
    assert "kind=message decision=quiet none" in bot.output


def test_a_follow_up_addressed_to_someone_else_gets_silence(bot, slack) -> None:
    assert len(first_answer_then(bot, slack, "<@U3> how do I become a tpm?")) == 1
    assert "decision=quiet addressed_to_someone_else" in bot.output


def test_a_thread_the_bot_never_answered_in_is_never_joined(bot, slack) -> None:
    assert send_event(bot, thread_message("how do I become a tpm?", "201.0", "200.0"), "EvC3")[0]
    assert posts(bot, slack) == []
    assert "decision=quiet not_our_thread" in bot.output


def test_a_thread_that_went_quiet_is_left_alone(slack, matcher) -> None:
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher), thread_hours=0.0)
    try:
        slack.reset()
        assert len(first_answer_then(bot, slack, "and how do I become one?")) == 1
        assert "decision=quiet thread_went_quiet" in bot.output
    finally:
        bot.close()


def test_a_mention_in_a_thread_is_answered_once_not_again_as_a_follow_up(bot, slack) -> None:
    assert send_event(bot, mention("what is a tpm", "300.0"), "EvC4")[0] == 200
    bot.wait_for_output("kind=mention")
    again = mention("and how do I become one?", "301.0", thread_ts="300.0")
    assert send_event(bot, again, "EvC5")[0] == 200
    as_message = thread_message(again["text"], "301.0", "300.0", user="U1")
    assert send_event(bot, as_message, "EvC6")[0] == 200  # Slack sends both events
    assert len(posts(bot, slack)) == 2


def dm(text: str, ts: str) -> dict:
    return {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": text,
        "ts": ts,
        "channel": "D1",
    }


def test_direct_messages_remember_the_conversation(bot, slack, matcher) -> None:
    assert send_event(bot, dm("what are the tpm levels?", "1.0"), "EvC7")[0] == 200
    bot.wait_for_output("kind=message")
    assert send_event(bot, dm("what about senior?", "2.0"), "EvC8")[0] == 200
    first, second = posts(bot, slack)
    assert first["text"].startswith("TPM levels and seniority")
    assert second["text"].startswith("Senior Technical Product Manager")
    assert "thread_ts" not in second


def test_opening_the_messages_tab_sets_prompts_from_the_knowledge_base(bot, slack, kb) -> None:
    event = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "messages"}
    assert send_event(bot, event, "EvC9")[0] == 200
    [call] = slack.wait_for("assistant.threads.setSuggestedPrompts")
    prompts = [p["message"] for p in call["prompts"]]
    assert len(prompts) == 5 and call["channel_id"] == "D1"
    every_question = {q for s in kb.sections for q in s.questions}
    assert set(prompts) <= every_question, "prompts come from the knowledge base"


def test_an_assistant_thread_greets_then_answers_with_a_status_first(bot, slack) -> None:
    started = {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": "U1",
            "channel_id": "D1",
            "thread_ts": "50.0",
            "context": {},
        },
        "event_ts": "50.1",
    }
    assert send_event(bot, started, "EvC10")[0] == 200
    [greeting] = slack.wait_for("chat.postMessage")
    assert greeting["thread_ts"] == "50.0" and "Technical Product Manager" in greeting["text"]
    assert len(slack.wait_for("assistant.threads.setSuggestedPrompts")[0]["prompts"]) == 5
    question = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": "what does a senior tpm do?",
        "ts": "51.0",
        "thread_ts": "50.0",
        "channel": "D1",
    }
    assert send_event(bot, question, "EvC11")[0] == 200
    bot.finish_replies()
    methods = [c.method for c in slack.attempts_to("assistant.threads.setStatus")]
    assert methods == ["assistant.threads.setStatus"]
    answer = slack.calls_to("chat.postMessage")[-1]
    assert answer["thread_ts"] == "50.0"
    assert answer["text"].startswith("Senior Technical Product Manager")
    status_at = slack.attempts_to("assistant.threads.setStatus")[0].at
    answer_at = slack.attempts_to("chat.postMessage")[-1].at
    assert status_at < answer_at


@pytest.mark.parametrize("question", ["how do I become a pilot?"])
def test_with_a_help_channel_a_no_match_offers_people(slack, matcher, question) -> None:
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher), help_channel="C0HELP")
    try:
        slack.reset()
        assert send_event(bot, mention(question, "400.0"), "EvC12")[0] == 200
        [message] = posts(bot, slack)
        assert "Still need help? Ask the people in <#C0HELP>." in str(message["blocks"])
    finally:
        bot.close()


def test_a_follow_up_is_understood_by_another_instance_through_the_store(
    slack, matcher, store_at, database_url
) -> None:
    """Two instances share one database: the mention reaches one, the follow-up the other."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several instances share PostgreSQL; SQLite is the single-instance default")
    first_store, second_store = store_at(), store_at()
    first_store.upgrade()
    first = InProcessBot(slack.url, KnowledgeHolder(matcher), store=first_store)
    second = InProcessBot(slack.url, KnowledgeHolder(matcher), store=second_store)
    try:
        slack.reset()
        assert send_event(first, mention("what are the tpm levels?", "600.0"), "EvC20")[0] == 200
        first.wait_for_output("kind=mention")
        first_store.flush()  # written within a tick anyway; the test does not wait for it
        follow_up = thread_message("what about senior?", "601.0", "600.0")
        assert send_event(second, follow_up, "EvC21")[0] == 200
        second.finish_replies()
        first.finish_replies()
        answers = slack.calls_to("chat.postMessage")
        assert [a["thread_ts"] for a in answers] == ["600.0", "600.0"]
        assert answers[1]["text"].startswith("Senior Technical Product Manager")
    finally:
        first.close()
        second.close()


def test_a_typed_number_picks_from_the_topics_the_last_reply_offered(bot, slack) -> None:
    """The help lists every topic; "12" in reply picks the twelfth, as a button would."""
    assert send_event(bot, dm("help", "300.0"), "EvP1")[0] == 200
    bot.wait_for_output("kind=message decision=help")
    assert send_event(bot, dm("12", "301.0"), "EvP2")[0] == 200
    twelfth = bot.holder.matcher.kb.sections[11]
    assert posts(bot, slack)[-1]["text"].startswith(twelfth.title)


def test_a_part_of_the_last_answer_is_named_in_a_thread(bot, slack) -> None:
    assert send_event(bot, mention("what are the TPM levels?", "310.0"), "EvP3")[0] == 200
    bot.wait_for_output("kind=mention")
    assert (
        send_event(bot, thread_message("and the middle one?", "311.0", "310.0"), "EvP4")[0] == 200
    )
    assert posts(bot, slack)[-1]["text"].startswith("Senior Technical Product Manager")


def test_a_pick_with_nothing_offered_is_read_as_a_question(bot, slack) -> None:
    assert send_event(bot, dm("option 3", "320.0"), "EvP5")[0] == 200
    bot.wait_for_output("kind=message")
    assert "section=-" in bot.output.splitlines()[-1]
