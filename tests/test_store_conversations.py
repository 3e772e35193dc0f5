"""Conversation state on SQL follows bot.core.conversations' contract, across instances."""

from __future__ import annotations

import time

import pytest

from bot.core.conversations import MEMORY, Conversation, Conversations, MemoryConversations
from bot.store.events import StoreUnavailable
from bot.store.store import Store


def test_the_sql_store_keeps_the_contract_and_is_shared(store_at) -> None:
    first, second = store_at(), store_at()
    first.upgrade()
    conversations: Conversations = first.conversations
    assert conversations.recall("C1:100.1") == Conversation()
    conversations.remember("C1:100.1", ["level-senior"])
    conversations.remember("C1:100.1", ["salary-india", "level-senior"])
    first.flush()  # writes go out within a tick; a test does not wait for it
    recalled = second.conversations.recall("C1:100.1")  # another instance reads it
    assert recalled.sections == ("salary-india", "level-senior")
    assert recalled.answered_at is not None and abs(recalled.answered_at - time.time()) < 5
    second.conversations.remember("C1:100.1", [])  # answered with no section: time moves on
    second.flush()
    assert first.conversations.recall("C1:100.1").sections == ("salary-india", "level-senior")
    for n in range(MEMORY + 2):
        first.conversations.remember("D1", [f"s{n}"])
    memory = MemoryConversations()
    for n in range(MEMORY + 2):
        memory.remember("D1", [f"s{n}"])
    assert first.conversations.recall("D1").sections == memory.recall("D1").sections


def test_conversations_are_forgotten_after_a_day(store_at) -> None:
    store = store_at()
    store.upgrade()
    store.conversations.remember("C1:1.1", ["levels"], team="T1")
    assert store.conversations.purge(now=time.time() + 24 * 3600 + 1) == 1
    assert store.conversations.recall("C1:1.1") == Conversation()
    store.conversations.remember("C1:2.1", ["levels"], team="T1")
    store.forget_team("T1")
    assert store.conversations.recall("C1:2.1") == Conversation()


def test_an_unreachable_database_raises_for_the_caller_to_fall_back() -> None:
    store = Store.open("postgresql+psycopg://postgres@127.0.0.1:1/none")
    try:
        with pytest.raises(StoreUnavailable):
            store.conversations.recall("C1:1.1")
    finally:
        store.close()


def test_an_uninstall_deletes_what_the_store_keeps_about_that_workspace(
    slack, matcher, store_at
) -> None:
    from slack_harness import InProcessBot, mention, send_event
    from sqlalchemy import func, select

    from bot.core.holder import KnowledgeHolder
    from bot.store.models import FeedbackVote, Question

    slack.reset()
    store = store_at()
    store.upgrade()
    store.questions.record("T2", "none", None, "other workspace's question")
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher), store=store)
    try:
        send_event(bot, mention("<@UBOT> how do I become a pilot", "900.1"), "EvUn1")
        slack.wait_for("chat.postMessage")
        store.feedback.vote(
            answer="C1:9", team="T1", user="U1", section="levels", decision="answer", helpful=True
        )
        store.conversations.remember("C1:900.1", ["levels"], team="T1")
        send_event(bot, {"type": "app_uninstalled"}, "EvUn2")
        bot.wait_for_output("kind=app_uninstalled decision=forgotten team=T1")
    finally:
        bot.close()
    with store.engine.connect() as connection:
        teams = connection.execute(select(Question.team)).scalars().all()
        votes = connection.execute(select(func.count()).select_from(FeedbackVote)).scalar()
    assert teams == ["T2"] and votes == 0
    assert store.conversations.recall("C1:900.1").sections == ()


def test_a_thread_noted_a_moment_ago_is_recalled_without_waiting_for_the_writer(
    store_at,
) -> None:
    import threading

    store = store_at()
    store.upgrade()
    conversations = store.conversations
    recalled: list[Conversation] = []
    reader = threading.Thread(target=lambda: recalled.append(conversations.recall("C1:300.1")))
    with conversations.writer._writing:  # the writer is stuck on a slow database
        conversations.note("C1:300.1", ["level-mid"])
        conversations.note("C1:300.1", ["level-mid", "level-senior"])
        reader.start()
        reader.join(timeout=5)
        assert recalled and recalled[0].sections == ("level-mid", "level-senior")
    store.flush()
    assert store_at().conversations.recall("C1:300.1").sections == ("level-mid", "level-senior")


def test_the_topics_a_reply_offered_are_shared_and_the_next_reply_replaces_them(
    store_at,
) -> None:
    first, second = store_at(), store_at()
    first.upgrade()
    first.conversations.remember("C1:200.1", ["levels"], offered=["level-mid", "level-senior"])
    first.flush()
    recalled = second.conversations.recall("C1:200.1")
    assert (recalled.sections, recalled.offered) == (("levels",), ("level-mid", "level-senior"))
    second.conversations.remember("C1:200.1", ["level-senior"])
    second.flush()
    recalled = first.conversations.recall("C1:200.1")
    assert (recalled.sections, recalled.offered) == (("levels", "level-senior"), ())
