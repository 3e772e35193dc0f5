"""Retries across processes: the event log decides which delivery is answered, on any instance,
and losing the database never stops answers."""

from __future__ import annotations

import threading
import time

import pytest
from databases import SERVER, new_postgres_database
from slack_harness import BotProcess, InProcessBot, mention, send_event
from tcp_proxy import TcpProxy

from bot.core.holder import KnowledgeHolder
from bot.settings import database_url as mapped_url
from bot.store.events import StoreUnavailable
from bot.store.store import Store
from bot.store.writer import TICK_SECONDS


def test_an_event_id_is_taken_once_among_many_takers(store_at) -> None:
    stores = [store_at() for _ in range(3)]
    stores[0].upgrade()
    wins: list[bool] = []

    def take(store) -> None:
        for _ in range(5):
            wins.append(store.events.take("EvSame"))

    threads = [threading.Thread(target=take, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wins.count(True) == 1 and len(wins) == 15
    assert stores[1].events.take("EvOther") is True


def test_event_ids_are_forgotten_after_an_hour(store_at) -> None:
    import time

    store = store_at()
    store.upgrade()
    assert store.events.take("EvOld")
    assert store.events.purge(now=time.time() + 3601) == 1
    assert store.events.take("EvOld")


def test_a_retry_sent_to_another_instance_is_not_answered_again(slack) -> None:
    slack.reset()
    url, drop = new_postgres_database()
    bots = [BotProcess("serve", slack.url, DATABASE_URL=url) for _ in range(2)]
    try:
        for bot in bots:
            bot.wait_until_healthy()
        event = mention("<@UBOT> what does a senior tpm do?", "500.1")
        assert send_event(bots[0].base, event, "EvAcross")[0] == 200
        slack.wait_for("chat.postMessage")
        # Slack retries seconds after a delivery at the earliest; by then the first instance
        # has noted the event in the store (its notes go out within a quarter second).
        time.sleep(TICK_SECONDS * 3)
        status, _ = send_event(bots[1].base, event, "EvAcross", headers={"X-Slack-Retry-Num": "1"})
        assert status == 200
        slack.wait_for("chat.postMessage")
        bots[1].wait_for_output("kind=retry event_id=EvAcross decision=skipped")
        assert len(slack.calls_to("chat.postMessage")) == 1
        assert "database=postgresql+psycopg://postgres@" in bots[0].output
    finally:
        for bot in bots:
            bot.stop()
        drop()


def test_without_a_database_the_bot_answers_and_says_so_once(slack, matcher) -> None:
    slack.reset()
    store = Store.open("postgresql+psycopg://postgres@127.0.0.1:1/none")
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher), store=store)
    try:
        for n in range(3):
            send_event(bot, mention("<@UBOT> what is a tpm", f"60{n}.1"), f"EvDown{n}")
        # A retry to this same process is still caught by its own memory.
        send_event(bot, mention("<@UBOT> what is a tpm", "600.1"), "EvDown0")
        bot.finish_replies()
        store.flush()  # the notes of first deliveries go out (and fail) within a tick anyway
        assert len(slack.calls_to("chat.postMessage")) == 3
        assert bot.output.count("kind=store decision=unreachable") == 1
    finally:
        bot.close()
        store.close()


def store_behind_a_proxy(database_url: str) -> tuple[TcpProxy, Store]:
    """A store whose PostgreSQL connections go through a proxy a test can cut and restore."""
    if not database_url.startswith("postgresql"):
        pytest.skip("a SQLite file cannot go away")
    host_port = SERVER.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    proxy = TcpProxy(host, int(port))
    through_proxy = mapped_url(database_url)[0].replace(host_port, f"127.0.0.1:{proxy.port}")
    return proxy, Store.open(through_proxy)


def test_the_store_reconnects_when_the_database_comes_back(store_at, database_url) -> None:
    proxy, store = store_behind_a_proxy(database_url)
    try:
        store.upgrade()
        assert store.events.take("EvBefore")
        proxy.down()
        with pytest.raises(StoreUnavailable):
            store.events.take("EvDuring")
        assert not store.health.up
        proxy.up()
        assert store.events.take("EvAfter")  # the failed statement emptied the pool: reconnected
        assert store.health.up
        assert not store.events.take("EvBefore")
    finally:
        store.close()
        proxy.close()


def test_answers_go_on_while_the_database_goes_away_and_comes_back_under_load(
    slack, matcher, store_at, database_url
) -> None:
    """Events keep coming while the database is cut off and restored: every one is answered
    once, the outage is logged once each way, and what was queued meanwhile lands after."""
    proxy, store = store_behind_a_proxy(database_url)
    store.upgrade()
    bot = InProcessBot(slack.url, KnowledgeHolder(matcher), store=store)
    try:
        slack.reset()
        for n in range(30):
            if n == 10:
                proxy.down()
            if n == 20:
                proxy.up()
            assert (
                send_event(bot, mention("<@UBOT> what is a tpm", f"70{n}.1"), f"EvLoad{n}")[0]
                == 200
            )
            time.sleep(TICK_SECONDS / 3)  # events spread over the outage, as traffic would be
        bot.finish_replies()
        store.flush()
        replies = slack.calls_to("chat.postMessage")
        assert sorted(r["thread_ts"] for r in replies) == sorted(f"70{n}.1" for n in range(30))
        assert bot.output.count("kind=store decision=unreachable") == 1
        assert bot.output.count("kind=store decision=reachable") == 1
        # Noted during the outage, written once the database was back: a retry is caught.
        assert not store.events.take("EvLoad15")
    finally:
        bot.close()
        store.close()
        proxy.close()


def test_a_retry_reaching_another_instance_at_once_is_still_answered_once(
    slack, matcher, store_at
) -> None:
    """Every event is taken in the store before it is answered, first deliveries included, so
    there is no window in which another instance finds nothing: 20 events, each delivered to
    both instances at the same moment, get 20 replies."""
    slack.reset()
    first = store_at()
    first.upgrade()
    second = store_at()
    bots = [InProcessBot(slack.url, KnowledgeHolder(matcher), store=s) for s in (first, second)]
    try:
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        for n in range(20):
            event = mention("<@UBOT> what does a senior tpm do?", f"600.{n}")
            both = [
                threading.Thread(target=send_event, args=(bots[0], event, f"EvNow{n}")),
                threading.Thread(
                    target=send_event, args=(bots[1], event, f"EvNow{n}"), kwargs={"headers": retry}
                ),
            ]
            for thread in both:
                thread.start()
            for thread in both:
                thread.join()
        for bot in bots:
            bot.finish_replies()
        assert len(slack.calls_to("chat.postMessage")) == 20
    finally:
        for bot in bots:
            bot.close()
