"""Slack settings from the environment (and a .env file), checked before anything starts."""

from __future__ import annotations

import os
import sys
from typing import NamedTuple

WHERE = "https://api.slack.com/apps > your app"
_HINTS = {
    "SLACK_BOT_TOKEN": ("xoxb-", f"{WHERE} > OAuth & Permissions > Bot User OAuth Token"),
    "SLACK_SIGNING_SECRET": ("", f"{WHERE} > Basic Information > App Credentials > Signing Secret"),
    "SLACK_APP_TOKEN": (
        "xapp-",
        f"{WHERE} > Basic Information > App-Level Tokens (scope connections:write)",
    ),
}


class Settings(NamedTuple):
    bot_token: str
    signing_secret: str | None
    app_token: str | None
    api_url: str | None
    port: int
    log_level: str


class SettingsError(Exception):
    """One line naming the variable and where to get it."""


def load_dotenv(path: str = ".env") -> None:
    """Read KEY=VALUE lines from .env without overriding the real environment."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def _require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    prefix, where = _HINTS[name]
    if not value:
        raise SettingsError(f"{name} is not set; get it from {where}")
    if prefix and not value.startswith(prefix):
        raise SettingsError(f"{name} must start with '{prefix}'; get it from {where}")
    return value


def load_settings(*, socket_mode: bool, port: int | None = None) -> Settings:
    """Settings for HTTP mode (bot token + signing secret) or Socket Mode (bot + app token)."""
    load_dotenv()
    bot_token = _require("SLACK_BOT_TOKEN")
    secret = None if socket_mode else _require("SLACK_SIGNING_SECRET")
    app_token = _require("SLACK_APP_TOKEN") if socket_mode else None
    raw_port = os.environ.get("PORT", "3000") if port is None else str(port)
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise SettingsError(f"PORT must be a port number, not {raw_port!r}")
    api_url = os.environ.get("SLACK_API_URL", "").strip() or None
    if api_url and not api_url.startswith(("http://", "https://")):
        raise SettingsError(
            f"SLACK_API_URL must be an http(s) URL, like https://slack.com/api/, not {api_url!r}"
        )
    if api_url and not api_url.endswith("/"):
        api_url += "/"
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    return Settings(bot_token, secret, app_token, api_url, int(raw_port), level)


def where_to_get(name: str) -> str:
    """Where in Slack's app settings an admin finds the value of `name`."""
    return _HINTS[name][1]


def exit_with(error: Exception) -> SystemExit:
    """Print one line for a setting Slack or the environment rejected; exit code 2."""
    print(f"tpm-bot: {error}", file=sys.stderr)
    return SystemExit(2)


def settings_or_exit(*, socket_mode: bool, port: int | None = None) -> Settings:
    try:
        return load_settings(socket_mode=socket_mode, port=port)
    except SettingsError as error:
        raise exit_with(error) from None
