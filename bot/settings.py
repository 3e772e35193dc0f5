"""Every setting tpm-bot reads, read once by the entry point and passed down.

The environment (and a `.env` file in the working folder, which never overrides it) is read here
and nowhere else, so `TPM_BOT_KNOWLEDGE` in `.env` means the same to `ask` as to `serve`. Every
missing or malformed setting is reported at once, so an admin fixes them in one pass instead of
one run per mistake. Only the standard library is imported: `tpm-bot ask` loads this module too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import NamedTuple

#: Environment variable listing extra knowledge files or folders, separated by ":".
KNOWLEDGE_ENV = "TPM_BOT_KNOWLEDGE"
WHERE = "https://api.slack.com/apps > your app"
#: Each Slack credential: the prefix its value starts with and where an admin finds it.
SLACK_CREDENTIALS = {
    "SLACK_BOT_TOKEN": ("xoxb-", f"{WHERE} > OAuth & Permissions > Bot User OAuth Token"),
    "SLACK_SIGNING_SECRET": ("", f"{WHERE} > Basic Information > App Credentials > Signing Secret"),
    "SLACK_APP_TOKEN": (
        "xapp-",
        f"{WHERE} > Basic Information > App-Level Tokens (scope connections:write)",
    ),
    "SLACK_CLIENT_ID": ("", f"{WHERE} > Basic Information > App Credentials > Client ID"),
    "SLACK_CLIENT_SECRET": ("", f"{WHERE} > Basic Information > App Credentials > Client Secret"),
}
#: How to make TPM_BOT_ENCRYPTION_KEY, in messages.
MAKE_A_KEY = "make one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
#: What is kept of a question the guide does not (fully) answer: its terms, or its cleaned text.
QUESTION_LOGGING = ("terms", "text")
DEFAULT_RETENTION_DAYS = 30
#: The SQLAlchemy driver shipped for PostgreSQL (psycopg 3).
POSTGRES_DRIVER = "postgresql+psycopg"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
#: What .env.example holds until an admin pastes real values ("xoxb-your-bot-token"): copied as
#: it is, it would only fail later, at Slack, as "cannot reach Slack's Web API".
_PLACEHOLDER = re.compile(r"(^|[-_])your[-_]", re.IGNORECASE)


#: TPM_BOT_ENCODER's spellings: on (the default) or off.
ENCODER_CHOICES = {"on": True, "1": True, "true": True, "off": False, "0": False, "false": False}


class StartupError(Exception):
    """Why tpm-bot cannot start; `main` prints it and exits 2, with no traceback.

    `details` are printed as they are (knowledge problems, `path:line: message`, which editors
    jump to); each of `lines` is printed after them as `tpm-bot: <line>`.
    """

    def __init__(self, lines: list[str], details: list[str] | None = None) -> None:
        super().__init__("\n".join([*(details or []), *lines]))
        self.lines = lines
        self.details = details or []


class Settings(NamedTuple):
    """Configuration for every command. Slack credentials are checked only by the Slack modes."""

    knowledge_paths: tuple[str, ...] = ()
    cache_dir: str = ""
    #: The sentence encoder reads the example bank (TPM_BOT_ENCODER, on by default); off, the
    #: matcher reads words alone.
    encoder: bool = True
    log_level: str = "INFO"
    reload_on_change: bool = False
    bot_token: str = ""
    signing_secret: str = ""
    app_token: str = ""
    api_url: str | None = None
    host: str = "0.0.0.0"
    port: int = 3000
    web_threads: int = 16
    #: Socket Mode serves GET /metrics on this port when it is set (0: not served); `serve`
    #: serves them on PORT.
    metrics_port: int = 0
    #: Hours after the bot's last answer in a thread during which it answers follow-ups there.
    thread_hours: float = 24.0
    #: A channel id (C123...) where people can take over when the bot cannot help.
    help_channel: str = ""
    #: Slack user ids (U..., W...) who may teach the bot with the *Teach tpm-bot* shortcut.
    maintainers: tuple[str, ...] = ()
    #: SQLAlchemy URL of the store; `database_default` when DATABASE_URL was not set.
    database_url: str = ""
    database_default: bool = True
    log_questions: str = "terms"
    retention_days: int = DEFAULT_RETENTION_DAYS
    encryption_key: str = ""
    client_id: str = ""
    client_secret: str = ""
    problems: tuple[str, ...] = ()
    #: Problems with the store's settings (also in `problems`), for `db` and `report`.
    store_problems: tuple[str, ...] = ()

    @property
    def oauth(self) -> bool:
        """Installs in many workspaces: `serve` runs Slack's OAuth flow and answers each
        workspace with its own token (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set)."""
        return bool(self.client_id and self.client_secret)

    def require_slack(self, *, socket_mode: bool) -> Settings:
        """These settings if the Slack mode can start with them; else every problem at once.

        HTTP mode with SLACK_CLIENT_ID or SLACK_CLIENT_SECRET set is the OAuth mode: it needs
        both, the signing secret and TPM_BOT_ENCRYPTION_KEY, and no SLACK_BOT_TOKEN."""
        oauth = not socket_mode and bool(self.client_id or self.client_secret)
        if socket_mode:
            needed = ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]
        elif oauth:
            needed = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET"]
        else:
            needed = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
        values = {
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_APP_TOKEN": self.app_token,
            "SLACK_CLIENT_ID": self.client_id,
            "SLACK_CLIENT_SECRET": self.client_secret,
        }
        lines = [line for name in needed if (line := _credential_problem(name, values[name]))]
        if oauth and not self.encryption_key:
            lines.append(
                "TPM_BOT_ENCRYPTION_KEY is not set; installs in many workspaces keep each "
                f"workspace's token encrypted with it: {MAKE_A_KEY}"
            )
        lines += self.problems
        if lines:
            raise StartupError(lines)
        return self

    def require_store(self) -> Settings:
        """These settings if the store can be opened with them; else every problem at once."""
        if self.store_problems:
            raise StartupError(list(self.store_problems))
        return self

    @property
    def database_shown(self) -> str:
        """The store's URL without its password, for logs and messages."""
        return redact_url(self.database_url)

    def secrets(self) -> list[str]:
        """Values no log line may show."""
        values = (
            self.bot_token,
            self.signing_secret,
            self.app_token,
            self.encryption_key,
            self.client_secret,
            url_password(self.database_url),
        )
        return [s for s in values if s]


def where_to_get(name: str) -> str:
    """Where in Slack's app settings an admin finds the value of `name`."""
    return SLACK_CREDENTIALS[name][1]


def _credential_problem(name: str, value: str) -> str:
    prefix, where = SLACK_CREDENTIALS[name]
    if not value:
        return f"{name} is not set; get it from {where}"
    if _PLACEHOLDER.search(value):
        return f"{name} is still the placeholder from .env.example; get it from {where}"
    if prefix and not value.startswith(prefix):
        return f"{name} must start with '{prefix}'; get it from {where}"
    return ""


def read_dotenv(path: str = ".env") -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments, blanks and `export` allowed); {} if absent."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def default_cache_dir(environ: Mapping[str, str]) -> str:
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tpm-bot")


def default_database_path(environ: Mapping[str, str]) -> str:
    """The SQLite file used when DATABASE_URL is not set, in the user's data folder."""
    base = environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "tpm-bot", "tpm-bot.db")


def database_url(raw: str) -> tuple[str, str]:
    """(SQLAlchemy URL, problem) for a DATABASE_URL as platforms hand it out.

    `postgres://` and `postgresql://` use the shipped driver (psycopg 3); `sqlite:///path` is a
    file (`sqlite:////abs/path` absolute, `sqlite:///rel/path` relative to the working folder).
    """
    scheme, sep, rest = raw.partition("://")
    scheme = scheme.lower()
    if not sep or not rest:
        return "", (
            "DATABASE_URL must look like sqlite:///path/to/file.db or "
            f"postgresql://user:password@host/db, not {redact_url(raw)!r}"
        )
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return f"{POSTGRES_DRIVER}://{rest}", ""
    if scheme == "sqlite":
        if not rest.startswith("/") or rest == "/":
            return "", "DATABASE_URL for SQLite must be sqlite:///path/to/file.db"
        return f"sqlite://{rest}", ""
    return "", (
        f"DATABASE_URL must be a sqlite:// or postgresql:// URL, not {scheme}://; "
        "tpm-bot ships drivers for SQLite and PostgreSQL"
    )


def url_password(url: str) -> str:
    """The password in a URL's user info ("" if none)."""
    _, sep, rest = url.partition("://")
    userinfo, at, _ = rest.partition("@") if sep else ("", "", "")
    if not at or ":" not in userinfo:
        return ""
    return userinfo.split(":", 1)[1]


def redact_url(url: str) -> str:
    password = url_password(url)
    return url.replace(f":{password}@", ":***@", 1) if password else url


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    dotenv: str | None = ".env",
    extra_knowledge: tuple[str, ...] = (),
    port: int | None = None,
) -> Settings:
    """Read every setting; problems with general settings are kept in `problems` for the Slack
    modes to report (the terminal commands do not need a port or log level to be right)."""
    env = {
        **(read_dotenv(dotenv) if dotenv else {}),
        **(os.environ if environ is None else environ),
    }
    problems: list[str] = []

    def get(name: str, default: str = "") -> str:
        return env.get(name, default).strip()

    raw_port = get("PORT", "3000") if port is None else str(port)
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        problems.append(f"PORT must be a port number from 1 to 65535, not {raw_port!r}")
        raw_port = "3000"
    raw_metrics_port = get("METRICS_PORT", "0") or "0"
    if not raw_metrics_port.isdigit() or not 0 <= int(raw_metrics_port) < 65536:
        problems.append(
            f"METRICS_PORT must be a port number from 1 to 65535, not {raw_metrics_port!r}"
        )
        raw_metrics_port = "0"
    raw_threads = get("WEB_THREADS", "16")
    if not raw_threads.isdigit() or not 1 <= int(raw_threads) <= 256:
        problems.append(f"WEB_THREADS must be a whole number from 1 to 256, not {raw_threads!r}")
        raw_threads = "16"
    api_url = get("SLACK_API_URL") or None
    if api_url and not api_url.startswith(("http://", "https://")):
        problems.append(
            f"SLACK_API_URL must be an http(s) URL, like https://slack.com/api/, not {api_url!r}"
        )
        api_url = None
    if api_url and not api_url.endswith("/"):
        api_url += "/"
    level = get("LOG_LEVEL", "INFO").upper()
    if level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
        level = "INFO"
    raw_hours = get("TPM_BOT_THREAD_HOURS", "24")
    try:
        thread_hours = float(raw_hours)
        if not 0 <= thread_hours <= 24 * 365:
            raise ValueError
    except ValueError:
        problems.append(
            f"TPM_BOT_THREAD_HOURS must be a number of hours, like 24, not {raw_hours!r}"
        )
        thread_hours = 24.0
    help_channel = get("TPM_BOT_HELP_CHANNEL").lstrip("#")
    if help_channel and not (help_channel[:1] in "CG" and help_channel.isalnum()):
        problems.append(
            "TPM_BOT_HELP_CHANNEL must be a channel id like C0123ABCD (in Slack: the channel's "
            f"name > About > Channel ID), not {help_channel!r}"
        )
        help_channel = ""
    maintainers = tuple(re.split(r"[\s,]+", get("TPM_BOT_MAINTAINERS").strip()))
    maintainers = tuple(m.lstrip("@") for m in maintainers if m)
    wrong = [m for m in maintainers if not (m[:1] in "UW" and m.isalnum() and m.isupper())]
    if wrong:
        problems.append(
            "TPM_BOT_MAINTAINERS must be Slack user ids like U0123ABCD, separated by commas (in "
            f"Slack: a profile > ⋮ > Copy member ID), not {', '.join(map(repr, wrong))}"
        )
        maintainers = tuple(m for m in maintainers if m not in wrong)

    def flag(name: str, default: str) -> bool:
        """A yes/no setting; anything but 1/0, true/false, yes/no or on/off is reported."""
        raw = get(name, default).lower() or default
        if raw not in _TRUE + _FALSE:
            problems.append(f"{name} must be 1 or 0 (or on/off, true/false, yes/no), not {raw!r}")
            return default in _TRUE
        return raw in _TRUE

    reload_on_change = flag("TPM_BOT_RELOAD", "0")
    knowledge = [p for p in get(KNOWLEDGE_ENV).split(":") if p.strip()]
    raw_encoder = get("TPM_BOT_ENCODER", "on").lower() or "on"
    if raw_encoder not in ENCODER_CHOICES:
        problems.append(f"TPM_BOT_ENCODER must be 'on' (the default) or 'off', not {raw_encoder!r}")
        raw_encoder = "on"
    store_problems: list[str] = []
    raw_url = get("DATABASE_URL")
    if raw_url:
        db_url, problem = database_url(raw_url)
        if problem:
            store_problems.append(problem)
    else:
        db_url = "sqlite:///" + default_database_path(env)
    log_questions = get("TPM_BOT_LOG_QUESTIONS", "terms").lower() or "terms"
    if log_questions not in QUESTION_LOGGING:
        store_problems.append(
            f"TPM_BOT_LOG_QUESTIONS must be 'terms' (the default) or 'text', not {log_questions!r}"
        )
        log_questions = "terms"
    raw_days = get("TPM_BOT_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))
    if not raw_days.isdigit() or not 1 <= int(raw_days) <= 3650:
        store_problems.append(
            f"TPM_BOT_RETENTION_DAYS must be a whole number of days from 1 to 3650, not {raw_days!r}"
        )
        raw_days = str(DEFAULT_RETENTION_DAYS)
    encryption_key = get("TPM_BOT_ENCRYPTION_KEY")
    if encryption_key and len(encryption_key) < 16:
        store_problems.append(
            f"TPM_BOT_ENCRYPTION_KEY must be at least 16 characters; {MAKE_A_KEY}"
        )
    problems += store_problems
    return Settings(
        knowledge_paths=(*knowledge, *extra_knowledge),
        cache_dir=get("TPM_BOT_CACHE_DIR") or default_cache_dir(env),
        encoder=ENCODER_CHOICES[raw_encoder],
        log_level=level,
        reload_on_change=reload_on_change,
        bot_token=get("SLACK_BOT_TOKEN"),
        signing_secret=get("SLACK_SIGNING_SECRET"),
        app_token=get("SLACK_APP_TOKEN"),
        api_url=api_url,
        host=get("HOST", "0.0.0.0") or "0.0.0.0",
        port=int(raw_port),
        metrics_port=int(raw_metrics_port),
        web_threads=int(raw_threads),
        thread_hours=thread_hours,
        help_channel=help_channel,
        maintainers=maintainers,
        database_url=db_url,
        database_default=not raw_url,
        log_questions=log_questions,
        retention_days=int(raw_days),
        encryption_key=encryption_key,
        client_id=get("SLACK_CLIENT_ID"),
        client_secret=get("SLACK_CLIENT_SECRET"),
        problems=tuple(problems),
        store_problems=tuple(store_problems),
    )
