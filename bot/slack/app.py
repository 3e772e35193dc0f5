"""Build the Bolt app: a Web API client with retries and timeouts, retry de-duplication, listeners."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_bolt.logger import get_bolt_logger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot import listeners
from bot.slack.dedupe import SkipRedeliveredEvents
from bot.slack.holder import KnowledgeHolder
from bot.slack.logs import configure_logging, set_library_levels
from bot.slack.settings import Settings, SettingsError, where_to_get

#: Seconds any one Web API call may take before it is abandoned (and retried if it was a
#: connection error).
WEB_API_TIMEOUT = 10


def web_client(settings: Settings) -> WebClient:
    kwargs = {"base_url": settings.api_url} if settings.api_url else {}
    return WebClient(
        token=settings.bot_token,
        timeout=WEB_API_TIMEOUT,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
        ],
        **kwargs,
    )


def slack_refused(error: Exception, token_name: str, api_url: str | None) -> SettingsError:
    """Say in one line why Slack refused a token or could not be reached, and what to do."""
    if isinstance(error, SlackApiError):
        code = error.response.get("error", "error") if isinstance(error.response.data, dict) else ""
        return SettingsError(
            f"Slack rejected {token_name} ({code}); get it from {where_to_get(token_name)}"
        )
    reason = getattr(error, "reason", None) or error  # urllib wraps the socket error
    return SettingsError(
        f"cannot reach Slack's Web API at {api_url or 'https://slack.com/api/'} ({reason}); "
        "check the network, or SLACK_API_URL if you set it"
    )


def build_app(settings: Settings, holder: KnowledgeHolder, replies: Executor | None = None) -> App:
    """The Bolt app. `replies` runs listeners after the ack; pass one to drain it at shutdown.

    Raises SettingsError when Slack refuses the bot token or cannot be reached.
    """
    configure_logging(
        settings.log_level, [settings.bot_token, settings.signing_secret, settings.app_token]
    )
    # Bolt also reads SLACK_BOT_TOKEN itself, then warns that our client (which carries that same
    # token, plus the API URL, timeout and retry handlers) wins; that warning is only noise.
    get_bolt_logger(App).addFilter(
        lambda record: "token` will be unused" not in record.getMessage()
    )
    try:
        app = App(
            signing_secret=settings.signing_secret or "",
            client=web_client(settings),
            process_before_response=False,
            listener_executor=replies,
        )
    except BoltError as error:
        # Bolt checks the token with auth.test and wraps Slack's refusal while handling it;
        # unwrap it, so the admin reads Slack's reason in one line.
        if isinstance(error.__context__, SlackApiError):
            raise slack_refused(error.__context__, "SLACK_BOT_TOKEN", settings.api_url) from None
        raise
    except OSError as error:  # auth.test could not reach Slack at all
        raise slack_refused(error, "SLACK_BOT_TOKEN", settings.api_url) from None
    app.use(SkipRedeliveredEvents())

    @app.error
    def log_listener_error(error: Exception, body: dict, logger: logging.Logger) -> None:
        """A failed reply is logged on one line with what it was for; the worker carries on."""
        where = request_context(body)
        if isinstance(error, SlackApiError):
            response = error.response
            logger.error(
                "kind=api_error method=%s status=%s error=%s %s",
                (response.api_url or "").rstrip("/").rsplit("/", 1)[-1],
                response.status_code,
                response.get("error", "-") if isinstance(response.data, dict) else "-",
                where,
            )
        else:
            logger.exception("kind=listener_error error=%s %s", type(error).__name__, where)

    listeners.register(app, holder)
    set_library_levels(settings.log_level)
    return app


def request_context(body: dict) -> str:
    """Ids that say which request failed: never the text of a question."""
    if not isinstance(body, dict):
        return ""
    event = body.get("event") or {}
    parts = {
        "event_id": body.get("event_id"),
        "type": event.get("type") or body.get("type") or body.get("command"),
        "channel": event.get("channel")
        or body.get("channel_id")
        or (body.get("channel") or {}).get("id"),
        "user": event.get("user") or body.get("user_id") or (body.get("user") or {}).get("id"),
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)
