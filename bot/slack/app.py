"""Build the Bolt app: a Web API client with retries and timeouts, retry de-duplication, listeners."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot import listeners
from bot.slack.dedupe import RecentEvents
from bot.slack.holder import KnowledgeHolder
from bot.slack.settings import Settings

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


def build_app(settings: Settings, holder: KnowledgeHolder) -> App:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    app = App(
        token=settings.bot_token,
        signing_secret=settings.signing_secret or "",
        client=web_client(settings),
        process_before_response=False,
    )
    recent = RecentEvents()

    @app.middleware
    def skip_redelivered_events(body: dict, next, logger: logging.Logger) -> BoltResponse | None:
        """Slack redelivers an event when it thinks the first try failed; answer it once."""
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not recent.first_time(event_id):
            logger.info("kind=retry event_id=%s decision=skipped", event_id)
            return BoltResponse(status=200, body="")
        return next()

    listeners.register(app, holder)
    return app
