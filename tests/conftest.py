"""Shared fixtures: the knowledge base, a matcher, a fake Slack, and the bot in and out of process."""

# ruff: noqa: E402  (the bytecode setting below must come before the project's imports)

from __future__ import annotations

import os
import sys

# Bytecode caches (ignored by git) are written even where PYTHONDONTWRITEBYTECODE is set:
# without them every worker, and every bot process a test starts, compiles the code and
# rewrites the tests' asserts afresh (10 of the suite's 80 s on two cores).
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

import pytest
from databases import new_postgres_database
from fake_slack import FakeSlack
from slack_harness import BotProcess, InProcessBot

from bot.core.bank import VectorStore
from bot.core.encoder import SentenceEncoder
from bot.core.holder import KnowledgeHolder
from bot.core.loader import load_knowledge
from bot.core.matcher import Matcher


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the CLI's start-up cache out of the developer's home folder."""
    os.environ["TPM_BOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    # ...and the default database out of the developer's data folder.
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data"))
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("TPM_BOT_KNOWLEDGE", None)


@pytest.fixture(scope="session")
def kb():
    return load_knowledge()


@pytest.fixture(scope="session")
def matcher(kb):
    """The matcher as shipped: the sentence encoder reading the example bank, and the words."""
    return Matcher(kb, vectors=VectorStore(SentenceEncoder()))


@pytest.fixture(scope="session")
def lexical_matcher(kb):
    """The matcher with TPM_BOT_ENCODER=off: words alone."""
    return Matcher(kb)


@pytest.fixture(scope="module")
def slack():
    """A fake Slack Web API on 127.0.0.1, shared by one test module."""
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture
def bot(slack, matcher):
    """The Slack app in this process, fresh for each test, against the module's fake Slack."""
    slack.reset()
    in_process = InProcessBot(slack.url, KnowledgeHolder(matcher))
    yield in_process
    in_process.close()


@pytest.fixture(scope="module")
def http_bot(slack):
    """`tpm-bot serve` running against the module's fake Slack, ready for signed requests."""
    process = BotProcess("serve", slack.url)
    process.wait_until_healthy()
    yield process
    process.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A DATABASE_URL (as a user writes it) naming a new, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/store/tpm-bot.db"
        return
    url, drop = new_postgres_database()
    yield url
    drop()


#: The TPM_BOT_ENCRYPTION_KEY of the tests' stores.
TEST_KEY = "test-encryption-key-for-pseudonyms"


@pytest.fixture
def store_at(database_url):
    """Open stores on `database_url` (closed at the end); the URL as settings would map it."""
    from bot.settings import database_url as mapped
    from bot.store.store import Store

    opened = []

    def open_store(**kwargs):
        # Instances of one deployment share TPM_BOT_ENCRYPTION_KEY (the key of the store's
        # pseudonyms); a test that wants none passes key="".
        kwargs.setdefault("key", TEST_KEY)
        store = Store.open(mapped(database_url)[0], **kwargs)
        opened.append(store)
        return store

    yield open_store
    for store in opened:
        store.close()
