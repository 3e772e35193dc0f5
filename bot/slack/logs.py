"""Logging for the Slack app: one format, with tokens and secrets redacted from every line.

slack_sdk already hides the Authorization header, but a token can still reach a log through an
exception message, a URL or a library's debug output; redacting at the formatter catches all of
them, tracebacks included.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

#: Slack token shapes: bot, user, app-level, refresh and configuration tokens.
TOKEN_PATTERN = re.compile(r"\bx(?:ox[abposer]|app)-[A-Za-z0-9-]+")
REDACTED = "[redacted]"
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class RedactingFormatter(logging.Formatter):
    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__(FORMAT)
        # Longest first, so a secret that contains another is hidden whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


def configure_logging(level: str, secrets: Iterable[str | None]) -> None:
    """Send every log line to stderr through the redacting formatter."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    formatter = RedactingFormatter(secrets)
    for handler in root.handlers:
        handler.setFormatter(formatter)
    root.setLevel(level)
