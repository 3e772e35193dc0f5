"""Logging for the Slack app: one format, with tokens and secrets redacted from every line.

slack_sdk already hides the Authorization header, but a token can still reach a log through an
exception message, a URL or a library's debug output; redacting at the formatter catches all of
them, tracebacks included.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterable, Iterator

#: Slack token shapes: bot, user, app-level, refresh and configuration tokens.
TOKEN_PATTERN = re.compile(r"\bx(?:ox[abposer]|app)-[A-Za-z0-9-]+")
REDACTED = "[redacted]"
#: Characters that could forge or garble a log line: escaped wherever they come from.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class RedactingFormatter(logging.Formatter):
    def __init__(self, secrets: Iterable[str | None], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        # Longest first, so a secret that contains another is hidden whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)

    def formatMessage(self, record: logging.LogRecord) -> str:
        """One record, one line: a newline in any field cannot forge another line."""
        return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], super().formatMessage(record))

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class LineHandler(logging.Handler):
    """Writes each record to stderr with one `write` system call and no handler lock.

    logging's StreamHandler holds a lock while it writes and flushes; with dozens of reply
    threads logging one line each, threads queue on that lock and hand the GIL back and forth,
    which cut throughput by a third under load. One `os.write` of a short line needs no lock:
    the kernel keeps concurrent writes whole.
    """

    def __init__(self, fd: int = 2) -> None:
        super().__init__()
        self.fd = fd

    def handle(self, record: logging.LogRecord) -> logging.LogRecord | bool:  # type: ignore[override]
        accepted = self.filter(record)
        if isinstance(accepted, logging.LogRecord):
            record = accepted
        if accepted:
            self.emit(record)
        return accepted

    def emit(self, record: logging.LogRecord) -> None:
        try:
            os.write(self.fd, (self.format(record) + "\n").encode("utf-8", "replace"))
        except Exception:
            self.handleError(record)


def configure_logging(level: str, secrets: Iterable[str | None], process: str = "") -> None:
    """Send every log line to stderr through the redacting formatter. `process` names a helper
    process in its lines ("tpm_bot[answers]"), so that an admin can tell its reloads and
    errors from the serving process's."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = LineHandler()
    fmt = FORMAT.replace("%(name)s", f"%(name)s[{process}]") if process else FORMAT
    handler.setFormatter(RedactingFormatter(secrets, fmt))
    root.addHandler(handler)
    root.setLevel(level)


def set_library_levels(level: str) -> None:
    """Give every loaded Slack library logger an explicit level.

    slack_sdk and Bolt test a logger's *own* level (`logger.level <= DEBUG`) before building
    some debug lines, and an unset level (0) passes that test whatever the configured level is:
    every Web API call then formats its whole JSON body twice, which cost more than matching the
    question. Loggers of modules imported later (responses to slash commands, Socket Mode) are
    created here first, so they keep the level when their module asks for them.

    Their DEBUG lines print whole request and envelope bodies, which carry what users typed,
    so they never go below INFO.
    """
    if logging.getLevelName(level) < logging.INFO:  # CRITICAL, ERROR, WARNING pass as they are
        level = "INFO"
    for name in _LATE_LOGGERS:
        logging.getLogger(name)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if name.startswith(("slack_sdk", "slack_bolt")) and isinstance(logger, logging.Logger):
            logger.setLevel(level)


@contextlib.contextmanager
def quiet_libraries() -> Iterator[None]:
    """Keep Slack libraries' warnings and retry chatter out of start-up, where one line of ours
    says what went wrong."""
    set_library_levels("CRITICAL")
    try:
        yield
    finally:
        set_library_levels("INFO")


_LATE_LOGGERS = (
    "slack_sdk.web.base_client",
    "slack_sdk.webhook.client",
    "slack_sdk.socket_mode.builtin.client",
)
