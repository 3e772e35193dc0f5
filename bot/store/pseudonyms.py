"""Who asked and where, kept only as keyed pseudonyms whose key is not in the database.

The store needs to tell people and conversations apart (one vote per person per answer, a
thread's memory shared by instances) but never to know who or where they are. Each such value
is an HMAC-SHA256 under a key derived from TPM_BOT_ENCRYPTION_KEY, which lives in the
environment, never in the database: whoever holds a copy of the database and a workspace's
member list still cannot test a user id against it.

Without TPM_BOT_ENCRYPTION_KEY the key is random and lives in this process only: nothing about
people survives a restart or is shared with another instance, so conversation memory and
"a second click replaces the vote" last as long as the process. Set the key to keep them across
restarts and instances.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

log = logging.getLogger("tpm_bot")

#: Characters of the digest kept: 160 bits, far past any chance of two values meeting.
DIGEST_CHARS = 40


class Pseudonyms:
    def __init__(self, secret: str = "") -> None:
        #: Whether the key dies with this process (no TPM_BOT_ENCRYPTION_KEY).
        self.ephemeral = not secret
        material = secret.encode() if secret else secrets.token_bytes(32)
        # A key of its own, derived from the setting, so that the value used to encrypt
        # workspaces' tokens is never used directly as an HMAC key as well.
        self._key = hmac.new(material, b"tpm-bot pseudonyms v1", hashlib.sha256).digest()

    def of(self, kind: str, value: str) -> str:
        """The pseudonym of `value` among values of this `kind` ("user", "conversation")."""
        digest = hmac.new(self._key, f"{kind}\0{value}".encode(), hashlib.sha256)
        return digest.hexdigest()[:DIGEST_CHARS]

    def conversation(self, key: str) -> str:
        """A conversation key ("T1:D024:1712.1") with all but its workspace hidden: the
        workspace stays readable, so that an uninstall can forget its conversations."""
        team, _, where = key.partition(":")
        return f"{team[:32]}:{self.of('conversation', where)}"
