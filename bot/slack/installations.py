"""Installs in many workspaces: slack_sdk's SQLAlchemy installation and OAuth state stores on
the store's engine, with every token encrypted at rest.

The tables are created by the store's migration 0003 (never by `create_tables`). Tokens, refresh tokens
and incoming-webhook URLs are written as `fernet:<token>`, encrypted with a key derived from
TPM_BOT_ENCRYPTION_KEY, and decrypted when an installation is read: the database alone never
yields a usable token. A row that the key cannot decrypt (another key wrote it) is treated as
no installation, with one log line naming the workspace, never the value.
"""

from __future__ import annotations

import base64
import copy
import datetime
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from bot.store.database import Health
from bot.store.store import Store

log = logging.getLogger("tpm_bot")

#: What an encrypted value starts with in the database.
SEALED_PREFIX = "fernet:"
#: The attributes of an Installation or Bot that are secrets.
SECRET_FIELDS = (
    "bot_token",
    "bot_refresh_token",
    "user_token",
    "user_refresh_token",
    "incoming_webhook_url",
)
#: Seconds an OAuth state (and its cookie) stays valid: Bolt's default.
STATE_SECONDS = 600
#: Expired states are purged at most this often, by the install page itself.
STATE_PURGE_SECONDS = 60
_HKDF_INFO = b"tpm-bot slack installation tokens v1"

Entity = TypeVar("Entity", Installation, Bot)
Found = TypeVar("Found")


def fernet_for(key: str) -> Fernet:
    """A Fernet cipher from TPM_BOT_ENCRYPTION_KEY (any string of 16+ characters, stretched
    with HKDF-SHA256 to Fernet's 32 bytes; the same key also salts user hashes, so the cipher
    gets a key of its own derived from it)."""
    if not key:
        raise ValueError("an encryption key is required")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """SQLAlchemyInstallationStore whose secrets are encrypted on save and decrypted on find."""

    def __init__(self, client_id: str, engine: Engine, key: str, health: Health) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=log)
        self._fernet = fernet_for(key)
        self._health = health

    # Sealing is idempotent (a sealed value is left as it is) because `save` hands the
    # already-sealed installation's bot to `save_bot`.
    def _seal(self, value: str) -> str:
        if value.startswith(SEALED_PREFIX):
            return value
        return SEALED_PREFIX + self._fernet.encrypt(value.encode()).decode()

    def _unseal(self, value: str) -> str:
        if not value.startswith(SEALED_PREFIX):
            return value
        return self._fernet.decrypt(value[len(SEALED_PREFIX) :].encode()).decode()

    def sealed(self, entity: Entity) -> Entity:
        """A copy of an installation or bot with its secrets encrypted."""
        result = copy.copy(entity)
        for name in SECRET_FIELDS:
            value = getattr(result, name, None)
            if isinstance(value, str) and value:
                setattr(result, name, self._seal(value))
        return result

    def unsealed(self, entity: Entity | None) -> Entity | None:
        """The installation or bot with its secrets decrypted; None if the key cannot."""
        if entity is None:
            return None
        try:
            for name in SECRET_FIELDS:
                value = getattr(entity, name, None)
                if isinstance(value, str) and value:
                    setattr(entity, name, self._unseal(value))
        except InvalidToken:
            log.warning(
                "kind=oauth decision=undecryptable team=%s "
                "(TPM_BOT_ENCRYPTION_KEY is not the key the installation was saved with)",
                entity.team_id or "-",
            )
            return None
        return entity

    def save(self, installation: Installation) -> None:
        super().save(self.sealed(installation))

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(self.sealed(bot))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return self.unsealed(
            self._watched(
                lambda: super(EncryptedInstallationStore, self).find_bot(
                    enterprise_id=enterprise_id,
                    team_id=team_id,
                    is_enterprise_install=is_enterprise_install,
                )
            )
        )

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return self.unsealed(
            self._watched(
                lambda: super(EncryptedInstallationStore, self).find_installation(
                    enterprise_id=enterprise_id,
                    team_id=team_id,
                    user_id=user_id,
                    is_enterprise_install=is_enterprise_install,
                )
            )
        )

    def _watched(self, find: Callable[[], Found]) -> Found:
        """Run a look-up, telling the store's health whether the database answered."""
        try:
            found = find()
        except SQLAlchemyError as error:
            self._health.failed("find_installation", error)
            raise
        self._health.worked()
        return found


class StoreDown(Exception):
    """The database did not answer an install step; the page says to try again shortly."""


class StateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's OAuth state store on the store's engine, with a purge of expired states.

    Anyone can open the install page, and each visit writes a state: expired ones are purged
    at most a minute after they expire (on the next visit), not only with the store's other
    rows every ten minutes. A state is never logged (it is a credential for the next minute),
    and a database that does not answer is StoreDown, not "invalid state"."""

    def __init__(
        self, engine: Engine, health: Health, expiration_seconds: int = STATE_SECONDS
    ) -> None:
        super().__init__(expiration_seconds=expiration_seconds, engine=engine, logger=log)
        self._health = health
        self._purged_at = 0.0

    def issue(self, *args: object, **kwargs: object) -> str:
        try:
            if time.monotonic() - self._purged_at >= STATE_PURGE_SECONDS:
                self._purged_at = time.monotonic()
                self.purge()
            state = super().issue()
        except SQLAlchemyError as error:
            self._health.failed("oauth_state", error)
            raise StoreDown from None
        self._health.worked()
        return state

    def consume(self, state: str) -> bool:
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        table = self.oauth_states
        try:
            with self.engine.begin() as connection:
                found = connection.execute(
                    table.delete().where(table.c.state == state, table.c.expire_at > now)
                )
        except SQLAlchemyError as error:
            self._health.failed("oauth_state", error)
            raise StoreDown from None
        self._health.worked()
        return bool(found.rowcount)

    def purge(self) -> int:
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        with self.engine.begin() as connection:
            result = connection.execute(
                self.oauth_states.delete().where(self.oauth_states.c.expire_at <= now)
            )
        return result.rowcount or 0


class Installations:
    """The installation and state stores of one app (its client id), on one engine."""

    def __init__(self, client_id: str, engine: Engine, key: str, health: Health) -> None:
        self.installation_store = EncryptedInstallationStore(client_id, engine, key, health)
        self.state_store = StateStore(engine, health)

    def key_opens_them(self) -> bool | None:
        """Whether TPM_BOT_ENCRYPTION_KEY decrypts the newest stored installation's token
        (True when none is stored); None when the database cannot say."""
        store = self.installation_store
        bots = store.bots
        try:
            with store.engine.connect() as connection:
                token = connection.execute(
                    select(bots.c.bot_token)
                    .where(bots.c.client_id == store.client_id, bots.c.bot_token.is_not(None))
                    .order_by(bots.c.installed_at.desc())
                    .limit(1)
                ).scalar()
        except SQLAlchemyError:
            return None
        if not token:
            return True
        try:
            store._unseal(token)
        except InvalidToken:
            return False
        return True

    def forget_team(self, team: str, enterprise: str | None = None) -> None:
        """Delete the workspace's installations and bots: its tokens are gone from here on."""
        self.installation_store.delete_all(enterprise_id=enterprise, team_id=team)

    def purge(self) -> int:
        return self.state_store.purge()


def enable_installations(store: Store, client_id: str, key: str) -> Installations:
    """Keep the installations of app `client_id` in `store`, their tokens encrypted with `key`;
    the store then deletes a workspace's installation when it forgets the workspace, and
    purges expired OAuth states with its other expired rows."""
    if not isinstance(store.installations, Installations):
        store.installations = Installations(client_id, store.engine, key, store.health)
    return store.installations
