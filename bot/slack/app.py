"""Build the Bolt app: a Web API client with retries and timeouts, retry de-duplication, listeners,
and a 200 with one log line for every request the bot does not handle."""

from __future__ import annotations

import logging
import re
from concurrent.futures import Executor
from typing import TYPE_CHECKING

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError, BoltUnhandledRequestError
from slack_bolt.logger import get_bolt_logger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.core.conversations import Conversations, MemoryConversations
from bot.core.holder import KnowledgeHolder
from bot.settings import Settings, StartupError, where_to_get
from bot.slack import listeners
from bot.slack.dedupe import SkipRedeliveredEvents
from bot.slack.logs import quiet_libraries, set_library_levels

if TYPE_CHECKING:
    from bot.store.store import Store

#: Seconds any one Web API call may take before it is abandoned (and retried if it was a
#: connection error).
WEB_API_TIMEOUT = 10

log = logging.getLogger("tpm_bot")


def web_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url or WebClient.BASE_URL,
        timeout=WEB_API_TIMEOUT,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


def slack_refused(error: Exception, token_name: str, api_url: str | None) -> StartupError:
    """Say in one line why Slack refused a token or could not be reached, and what to do."""
    if isinstance(error, SlackApiError):
        code = error.response.get("error", "error") if isinstance(error.response.data, dict) else ""
        return StartupError(
            [f"Slack rejected {token_name} ({code}); get it from {where_to_get(token_name)}"]
        )
    reason = getattr(error, "reason", None) or error  # urllib wraps the socket error
    return StartupError(
        [
            f"cannot reach Slack's Web API at {api_url or 'https://slack.com/api/'} ({reason}); "
            "check the network, or SLACK_API_URL if you set it"
        ]
    )


def build_app(
    settings: Settings,
    holder: KnowledgeHolder,
    replies: Executor | None = None,
    store: Store | None = None,
) -> App:
    """The Bolt app. `replies` runs listeners after the ack; pass one to drain it at shutdown.
    `store` shares retries, conversations, feedback and questions between instances; without
    one, this process remembers retries and conversations by itself.

    Request signatures are checked before Bolt sees a request (bot.slack.http), so Bolt's own
    check, which logs the whole body of a refused request, is off. Raises StartupError when
    Slack refuses the bot token or cannot be reached.
    """
    # Bolt also reads SLACK_BOT_TOKEN itself, then warns that our client (which carries that same
    # token, plus the API URL, timeout and retry handlers) wins; that warning is only noise.
    get_bolt_logger(App).addFilter(
        lambda record: "token` will be unused" not in record.getMessage()
    )
    try:
        with quiet_libraries():  # auth.test's connection retries are not the admin's business
            app = App(
                signing_secret=settings.signing_secret or "not-used",
                client=web_client(settings),
                process_before_response=False,
                listener_executor=replies,
                request_verification_enabled=False,
                raise_error_for_unhandled_request=True,
                # The bot's own messages are told apart by the listeners, with a log line.
                ignoring_self_events_enabled=False,
            )
    except BoltError as error:
        # Bolt checks the token with auth.test and wraps Slack's refusal while handling it;
        # unwrap it, so the admin reads Slack's reason in one line.
        if isinstance(error.__context__, SlackApiError):
            raise slack_refused(error.__context__, "SLACK_BOT_TOKEN", settings.api_url) from None
        raise
    except OSError as error:  # auth.test could not reach Slack at all
        raise slack_refused(error, "SLACK_BOT_TOKEN", settings.api_url) from None
    app.use(SkipRedeliveredEvents(store.events if store else None))

    @app.error
    def on_error(error: Exception, body: dict, logger: logging.Logger) -> BoltResponse | None:
        """A request the bot does not handle is acknowledged (Slack retries anything else) with
        one line; a failed reply is logged on one line with what it was for. Never the body."""
        where = request_context(body)
        if isinstance(error, BoltUnhandledRequestError):
            log.info("kind=ignored %s", where)
            return BoltResponse(status=200, body="")
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
        return None

    conversations: Conversations = MemoryConversations()
    if store is not None:
        from bot.store.conversations import SharedConversations

        conversations = SharedConversations(store.conversations)
    listeners.register(app, holder, settings, conversations, store)
    set_library_levels(settings.log_level)
    return app


def request_context(body: dict) -> str:
    """Ids that say which request failed or was ignored: never the text of a question."""
    if not isinstance(body, dict):
        return ""
    event = body.get("event") or {}
    action = (body.get("actions") or [{}])[0]
    values = {
        "event_id": body.get("event_id"),
        "type": event.get("type") or body.get("type") or body.get("command"),
        "subtype": event.get("subtype"),
        "tab": event.get("tab"),
        "action_id": action.get("action_id") if isinstance(action, dict) else None,
        "channel": event.get("channel")
        or body.get("channel_id")
        or (body.get("channel") or {}).get("id"),
        "user": event.get("user") or body.get("user_id") or (body.get("user") or {}).get("id"),
        "team": body.get("team_id") or (body.get("team") or {}).get("id"),
    }
    return " ".join(
        f"{key}={_safe_id(value)}" for key, value in values.items() if isinstance(value, str)
    )


def _safe_id(value: str) -> str:
    """Ids are short tokens; anything else in an id field is not logged."""
    return value if _ID.fullmatch(value) else "?"


_ID = re.compile(r"[A-Za-z0-9_./:-]{1,64}")
