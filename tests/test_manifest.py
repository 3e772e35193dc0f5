"""The Slack app manifest declares exactly what the code registers, in Slack's schema."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.core.loader import BUILTIN_COMMANDS
from bot.slack.app import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH
from bot.slack.listeners import register

MANIFEST_TEXT = (Path(__file__).resolve().parent.parent / "manifest.yml").read_text("utf-8")
MANIFEST = yaml.safe_load(MANIFEST_TEXT)
#: The subscription each listener needs (a `message` listener hears DMs, channel and private
#: channel threads; Bolt's Assistant hears assistant threads).
EVENT_FOR_LISTENER = {
    "app_mention": "app_mention",
    "message": ("message.im", "message.channels", "message.groups"),
    "app_home_opened": "app_home_opened",
    "app_uninstalled": "app_uninstalled",
    "tokens_revoked": "tokens_revoked",
    "assistant": ("assistant_thread_started", "assistant_thread_context_changed"),
}
#: The scopes each subscription or feature needs.
SCOPES_FOR = {
    "app_mention": {"app_mentions:read"},
    "message.im": {"im:history"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "assistant_thread_started": {"assistant:write"},
    "replies": {"chat:write"},
    "slash_commands": {"commands"},
}


class RecordingApp:
    """Stands in for a Bolt App at registration time and records what is registered."""

    def __init__(self) -> None:
        self.commands: set[str] = set()
        self.events: set[str] = set()
        self.shortcuts: set[str] = set()

    def _record(self, into: set[str], name: object):
        if isinstance(name, str):
            into.add(name)
        return lambda function: function

    def command(self, name: str):
        return self._record(self.commands, name)

    def event(self, name: str):
        subscriptions = EVENT_FOR_LISTENER[name]
        self.events.update((subscriptions,) if isinstance(subscriptions, str) else subscriptions)
        return lambda function: function

    def assistant(self, assistant: object) -> None:
        self.events.update(EVENT_FOR_LISTENER["assistant"])

    def action(self, name: object):
        return self._record(set(), name)

    def view(self, name: object):
        return self._record(set(), name)

    def shortcut(self, name: object):
        return self._record(self.shortcuts, name)


def registered(matcher) -> RecordingApp:
    app = RecordingApp()
    register(app)  # type: ignore[arg-type]
    return app


def test_manifest_commands_are_the_bots_own_and_the_shipped_guides(matcher) -> None:
    """`/tpm` and `/tpm-topics` are registered by name; the rest are the knowledge's
    `commands:`, answered by one listener that reads them at each request."""
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert declared == set(BUILTIN_COMMANDS) | set(matcher.kb.commands)
    assert registered(matcher).commands == set(BUILTIN_COMMANDS)


def test_manifest_events_match_the_registered_listeners(matcher) -> None:
    assert registered(matcher).events == set(
        MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    )


def test_manifest_declares_exactly_the_registered_shortcuts(matcher) -> None:
    declared = MANIFEST["features"]["shortcuts"]
    assert {s["callback_id"] for s in declared} == registered(matcher).shortcuts
    for shortcut in declared:
        assert shortcut["type"] in ("message", "global")
        assert 1 <= len(shortcut["name"]) <= 25 and 1 <= len(shortcut["description"]) <= 75


def test_manifest_follows_slacks_schema() -> None:
    assert set(MANIFEST) <= {
        "_metadata",
        "display_information",
        "features",
        "oauth_config",
        "settings",
        "functions",
        "workflows",
        "outgoing_domains",
        "types",
    }
    info = MANIFEST["display_information"]
    assert 1 <= len(info["name"]) <= 35 and len(info["description"]) <= 140
    assert 174 <= len(info["long_description"]) <= 4000
    for command in MANIFEST["features"]["slash_commands"]:
        assert command["command"].startswith("/") and len(command["command"]) <= 32
        assert 1 <= len(command["description"]) <= 2000
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    needed = set().union(
        SCOPES_FOR["replies"],
        SCOPES_FOR["slash_commands"],
        *(SCOPES_FOR.get(event, set()) for event in events),
    )
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed
    assistant = MANIFEST["features"]["assistant_view"]
    assert 1 <= len(assistant["assistant_description"]) <= 200
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is True


def test_an_oauth_install_asks_for_the_manifests_scopes_and_redirects_where_it_says() -> None:
    assert list(BOT_SCOPES) == MANIFEST["oauth_config"]["scopes"]["bot"]
    assert f"#   - https://your-host{REDIRECT_PATH}" in MANIFEST_TEXT
    assert f"https://your-host{INSTALL_PATH}" in MANIFEST_TEXT
    uncommented = yaml.safe_load(
        MANIFEST_TEXT.replace("  # redirect_urls:", "  redirect_urls:").replace(
            "  #   - https://your-host/slack/oauth", "    - https://your-host/slack/oauth"
        )
    )
    assert uncommented["oauth_config"]["redirect_urls"] == [f"https://your-host{REDIRECT_PATH}"]


def test_http_mode_gives_every_slash_command_events_and_interactivity_a_request_url() -> None:
    # What the manifest's own comment tells an admin to do for HTTP mode: uncomment the url lines.
    http = yaml.safe_load(
        MANIFEST_TEXT.replace("# url: ", "url: ").replace("# request_url: ", "request_url: ")
    )
    commands = http["features"]["slash_commands"]
    assert commands and all(c["url"] == "https://your-host/slack/events" for c in commands)
    assert http["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")
    assert http["settings"]["interactivity"]["request_url"].endswith("/slack/events")


def test_every_development_tool_the_readme_names_is_in_the_dev_extra() -> None:
    import tomllib

    root = Path(__file__).resolve().parent.parent
    dev = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"
    ]["dev"]
    names = {d.split(">")[0].split("=")[0].split("[")[0] for d in dev}
    readme = (root / "README.md").read_text("utf-8")
    for tool in ("pytest", "ruff", "mypy", "pre-commit", "hypothesis"):
        assert tool in readme and tool in names, tool
