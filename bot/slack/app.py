"""Build the Bolt app: a Web API client with retries and timeouts, retry de-duplication, listeners,
and a 200 with one log line for every request the bot does not handle."""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.error import BoltError, BoltUnhandledRequestError
from slack_bolt.logger import get_bolt_logger
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Bot, InstallationStore
from sqlalchemy.exc import SQLAlchemyError

from bot.core.conversations import Conversations, MemoryConversations
from bot.core.holder import KnowledgeHolder
from bot.settings import Settings, StartupError, where_to_get
from bot.slack import listeners
from bot.slack.dedupe import EventClaims
from bot.slack.listeners.services import ProvideServices, Services
from bot.slack.logs import quiet_libraries, set_library_levels
from bot.slack.metrics import Metrics, api_method

if TYPE_CHECKING:
    from bot.store.store import Store

#: Seconds any one Web API call may take before it is abandoned (and retried if it was a
#: connection error).
WEB_API_TIMEOUT = 10

#: The bot scopes an installation asks for: manifest.yml's (tests/test_manifest.py checks).
BOT_SCOPES = (
    "app_mentions:read",
    "assistant:write",
    "channels:history",
    "chat:write",
    "commands",
    "groups:history",
    "im:history",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"

log = logging.getLogger("tpm_bot")


def web_client(settings: Settings, metrics: Metrics) -> WebClient:
    """The app's Web API client: with the bot token in single-workspace mode; without a token
    in OAuth mode, where each request gets its workspace's token. slack_sdk's retry handlers
    try connection errors and rate limits again, counted in the metrics."""
    return WebClient(
        token=None if settings.oauth else settings.bot_token,
        base_url=settings.api_url or WebClient.BASE_URL,
        timeout=WEB_API_TIMEOUT,
        retry_handlers=metrics.retry_handlers(),
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


#: Bolt's lines that are noise or that we replace with our own.
_BOLT_NOISE = (
    # Our client's token wins over SLACK_BOT_TOKEN: the same token.
    "token` will be unused",
    # A refused OAuth code, quoting the code (a credential, and text from the request):
    # `_not_installed` logs the refusal.
    "oauth.v2.access result",
    # A workspace without an installation, without saying which: WorkspaceAuthorize says.
    "the AuthorizeResult (returned value from authorize) for it was not found",
)


def _quiet_bolt(record: logging.LogRecord) -> bool:
    """Drop Bolt's lines in _BOLT_NOISE."""
    message = record.getMessage()
    return not any(noise in message for noise in _BOLT_NOISE)


def build_app(
    settings: Settings,
    holder: KnowledgeHolder,
    replies: Executor | None = None,
    store: Store | None = None,
    metrics: Metrics | None = None,
) -> App:
    """The Bolt app. `replies` runs listeners after the ack; pass one to drain it at shutdown.
    `store` shares retries, conversations, feedback and questions between instances; without
    one, this process remembers retries and conversations by itself. `metrics` are fed by
    every listener and Web API call (a fresh set when none is given).

    Request signatures are checked before Bolt sees a request (bot.slack.http), so Bolt's own
    check, which logs the whole body of a refused request, is off. Raises StartupError when
    Slack refuses the bot token or cannot be reached.
    """
    # Bolt also reads SLACK_BOT_TOKEN itself, then warns that our client (which carries that same
    # token, plus the API URL, timeout and retry handlers) wins; that warning is only noise.
    get_bolt_logger(App).addFilter(_quiet_bolt)
    logging.getLogger("slack_bolt.MultiTeamsAuthorization").addFilter(_quiet_bolt)
    metrics = metrics or Metrics()
    oauth = oauth_settings(settings, store) if settings.oauth else None
    try:
        with quiet_libraries():  # auth.test's connection retries are not the admin's business
            app = App(
                signing_secret=settings.signing_secret or "not-used",
                client=web_client(settings, metrics),
                oauth_settings=oauth,
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
    conversations: Conversations = MemoryConversations()
    if store is not None:
        from bot.store.conversations import SharedConversations

        conversations = SharedConversations(store.conversations)
    claims = EventClaims(store.events if store else None)
    app.use(ProvideServices(Services(holder, settings, conversations, store, metrics, claims)))

    @app.error
    def on_error(error: Exception, body: dict, logger: logging.Logger) -> BoltResponse | None:
        """A request the bot does not handle is acknowledged (Slack retries anything else) with
        one line; a failed reply is logged on one line with what it was for. Never the body."""
        where = request_context(body)
        if isinstance(error, BoltUnhandledRequestError):
            log.info("kind=ignored %s", where)
            return BoltResponse(status=200, body="")
        if isinstance(error, SQLAlchemyError):
            # The store failed where nothing else handled it: in OAuth mode, reading the
            # workspace's token before the ack (the store's health logs the outage once). A 500,
            # so Slack delivers the event again later; after the ack it changes nothing.
            log.warning("kind=database_error error=%s %s", type(error).__name__, where)
            return BoltResponse(status=500, body="")
        if isinstance(error, SlackApiError):
            response = error.response
            method = api_method(response.api_url or "")
            code = response.get("error", "-") if isinstance(response.data, dict) else "-"
            code = code if isinstance(code, str) and code.isidentifier() else "other"
            metrics.api_errors.labels(method, code).inc()
            logger.error(
                "kind=api_error method=%s status=%s error=%s %s",
                method,
                response.status_code,
                code,
                where,
            )
        else:
            logger.exception("kind=listener_error error=%s %s", type(error).__name__, where)
        return None

    listeners.register(app)
    set_library_levels(settings.log_level)
    return app


def oauth_settings(settings: Settings, store: Store | None) -> OAuthSettings:
    """Bolt's OAuth flow (GET /slack/install, GET /slack/oauth_redirect) with the installation
    and state stores in the store's database, tokens encrypted with TPM_BOT_ENCRYPTION_KEY.

    Each request is authorized by WorkspaceAuthorize: one indexed read of its workspace's bot
    token, and auth.test once per token."""
    if store is None:
        raise StartupError(["installs in many workspaces need the database (DATABASE_URL)"])
    from bot.slack.installations import enable_installations  # slack_sdk's SQL stores

    installations = enable_installations(store, settings.client_id, settings.encryption_key)
    if installations.key_opens_them() is False:
        # Every event from an installed workspace would be acknowledged and never answered.
        raise StartupError(
            [
                "TPM_BOT_ENCRYPTION_KEY cannot decrypt the workspaces' tokens stored in "
                "DATABASE_URL: set the key they were installed with (or reinstall the app)"
            ]
        )
    oauth = OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installations.installation_store,
        installation_store_bot_only=True,
        state_store=installations.state_store,
        callback_options=CallbackOptions(success=_installed, failure=_not_installed),
        logger=log,
    )
    oauth.authorize = WorkspaceAuthorize(installations.installation_store)
    return oauth


class WorkspaceAuthorize(Authorize):
    """Each request authorized with its workspace's bot token, read from the installation store
    by team id (the app asks for no user token), with auth.test's answer kept per token.

    Unlike Bolt's InstallationStoreAuthorize, a database error is not taken for "not
    installed". While the database is unreachable, a workspace this process has already served
    is answered with the installation it last read (losing the database must not stop answers);
    one it has not served propagates the error, and the request gets a 500 so Slack delivers it
    again. Only a successful read updates or forgets what is remembered, so an uninstall is seen
    as soon as the database answers. A workspace without an installation is one line naming it.
    Token rotation is not supported (the manifest keeps it off)."""

    def __init__(self, installation_store: InstallationStore) -> None:
        self.installation_store = installation_store
        self._identities: dict[str, AuthorizeResult] = {}
        self._last_read: dict[tuple[str | None, str | None], Bot] = {}
        self._lock = threading.Lock()

    def _find_bot(
        self, context: BoltContext, enterprise_id: str | None, team_id: str | None
    ) -> Bot | None:
        key = (enterprise_id, team_id)
        try:
            bot = self.installation_store.find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=context.is_enterprise_install,
            )
        except Exception:
            with self._lock:
                remembered = self._last_read.get(key)
            if remembered is None:
                raise
            log.warning(
                "kind=authorize team=%s decision=last_read reason=store_unreachable",
                _safe_id(team_id or "-"),
            )
            return remembered
        with self._lock:
            if bot is None:
                self._last_read.pop(key, None)
            else:
                self._last_read[key] = bot
        return bot

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **actor: Any,
    ) -> AuthorizeResult | None:
        bot = self._find_bot(context, enterprise_id, team_id)
        token = bot.bot_token if bot is not None else None
        if bot is None or not token:
            log.warning("kind=not_installed team=%s decision=ignored", _safe_id(team_id or "-"))
            return None
        with self._lock:
            known = self._identities.get(token)
        if known is not None:
            return known
        try:
            identity = context.client.auth_test(token=token)
        except SlackApiError as error:
            code = (
                error.response.get("error", "-") if isinstance(error.response.data, dict) else "-"
            )
            log.warning(
                "kind=not_installed team=%s decision=token_refused error=%s",
                _safe_id(team_id or "-"),
                _safe_id(str(code)),
            )
            return None
        result = AuthorizeResult.from_auth_test_response(
            auth_test_response=identity,
            bot_token=token,
            user_token=None,
            bot_scopes=bot.bot_scopes,
            user_scopes=None,
        )
        with self._lock:
            self._identities[token] = result
        return result


def _installed(args: SuccessArgs) -> BoltResponse:
    log.info("kind=oauth decision=installed team=%s", _safe_id(args.installation.team_id or "-"))
    return args.default.success(args)


def _not_installed(args: FailureArgs) -> BoltResponse:
    log.warning(
        "kind=oauth decision=refused reason=%s status=%d",
        _safe_id(args.reason),
        args.suggested_status_code,
    )
    return args.default.failure(args)


def oauth_paths(app: App) -> tuple[str, ...]:
    """The paths the HTTP door hands to Bolt unsigned: the OAuth flow's, in OAuth mode."""
    flow = app.oauth_flow
    return (flow.install_path, flow.redirect_uri_path) if flow is not None else ()


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
