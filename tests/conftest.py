"""Shared fixtures: the knowledge base, a matcher, a fake Slack, and the bot in and out of process."""

from __future__ import annotations

import os

import pytest
from fake_slack import FakeSlack
from slack_harness import BotProcess, InProcessBot

from bot.core.holder import KnowledgeHolder
from bot.core.loader import load_knowledge
from bot.core.matcher import Matcher


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the CLI's start-up cache out of the developer's home folder."""
    os.environ["TPM_BOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("TPM_BOT_KNOWLEDGE", None)


@pytest.fixture(scope="session")
def kb():
    return load_knowledge()


@pytest.fixture(scope="session")
def matcher(kb):
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
