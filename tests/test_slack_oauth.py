"""Installs in many workspaces: Slack's OAuth flow end to end against the fake Web API (state
cookie, oauth.v2.access, the installation kept encrypted), then each workspace answered with its
own token, an uninstall that deletes the token, and the settings the mode refuses to start
without. On SQLite and PostgreSQL where the database matters."""

from __future__ import annotations

import html
import json
import re
import time
import urllib.error
import urllib.request

import pytest
from databases import new_postgres_database
from slack_harness import BotProcess, InProcessBot, mention, signed_post
from sqlalchemy import text

from bot.core.holder import KnowledgeHolder
from bot.settings import Settings, StartupError, load_settings
from bot.slack.installations import Installations, enable_installations

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret-0000"
KEY = "test-encryption-key-0000000000000"
COOKIE = "slack-app-oauth-state"


def oauth_bot(slack, matcher, store) -> InProcessBot:
    slack.reset()
    return InProcessBot(
        slack.url,
        KnowledgeHolder(matcher),
        store=store,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        encryption_key=KEY,
    )


def begin_install(bot: InProcessBot) -> tuple[str, str]:
    """GET /slack/install: (the state set in the cookie, the page's link to Slack)."""
    status, headers, body = bot.browse("/slack/install")
    assert status == 200
    cookies = [value for name, value in headers if name.lower() == "set-cookie"]
    assert len(cookies) == 1
    found = re.match(rf"{COOKIE}=([^;]+);", cookies[0])
    assert found, cookies
    assert "HttpOnly" in cookies[0] and "Secure" in cookies[0]
    links = re.findall(r'href="([^"]+)"', body)
    link = next(html.unescape(href) for href in links if "oauth/v2/authorize" in href)
    return found.group(1), link


def finish_install(bot: InProcessBot, team: str, state: str, cookie: str | None) -> int:
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie is not None else {}
    status, _, _ = bot.browse("/slack/oauth_redirect", f"code=code-{team}&state={state}", headers)
    return status


def make_installations_unreachable(bot: InProcessBot, monkeypatch) -> None:
    """Every read of an installation fails as if the database were down."""
    from sqlalchemy.exc import OperationalError

    installations = bot.store.installations.installation_store

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT", {}, ConnectionRefusedError("refused"))

    monkeypatch.setattr(type(installations).__mro__[1], "find_bot", unreachable)


def event_from(team: str, event: dict, event_id: str) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": team,
            "api_app_id": "A1",
            "event": event,
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": f"UBOT{team}", "is_bot": True}],
        }
    )


def test_install_answer_with_the_workspace_token_then_uninstall(slack, matcher, store_at) -> None:
    store = store_at()
    store.upgrade()
    bot = oauth_bot(slack, matcher, store)
    try:
        state, link = begin_install(bot)
        assert link.startswith("https://slack.com/oauth/v2/authorize?")
        assert f"state={state}" in link and f"client_id={CLIENT_ID}" in link
        assert "scope=app_mentions:read,assistant:write,channels:history,chat:write" in link

        assert finish_install(bot, "T2", state, state) == 200
        assert len(slack.calls_to("oauth.v2.access")) == 1
        token = slack.token_of("T2")
        installations = store.installations
        assert isinstance(installations, Installations)
        found = installations.installation_store.find_bot(enterprise_id=None, team_id="T2")
        assert found is not None and found.bot_token == token
        bot.wait_for_output("kind=oauth decision=installed team=T2")

        # The database alone never yields the token.
        with store.engine.connect() as connection:
            for table in ("slack_installations", "slack_bots"):
                rows = connection.execute(text(f"SELECT bot_token FROM {table}")).all()
                assert rows and all(row[0].startswith("fernet:") for row in rows)
                assert all(token not in row[0] for row in rows)
                dump = " ".join(
                    str(v) for r in connection.execute(text(f"SELECT * FROM {table}")) for v in r
                )
                assert token not in dump

        # A mention in T2 is answered with T2's token.
        body = event_from("T2", mention("<@UBOTT2> what does a tpm do?", "700.1"), "EvT2a")
        assert signed_post(bot, body, "application/json")[0] == 200
        slack.wait_for("chat.postMessage")
        assert slack.tokens_for("chat.postMessage") == [token]

        # T2 uninstalls: its installation is deleted, and it gets no more answers.
        uninstall = event_from("T2", {"type": "app_uninstalled"}, "EvT2gone")
        assert signed_post(bot, uninstall, "application/json")[0] == 200
        bot.wait_for_output("forgotten team=T2")
        assert installations.installation_store.find_bot(enterprise_id=None, team_id="T2") is None
        with store.engine.connect() as connection:
            for table in ("slack_installations", "slack_bots"):
                count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                assert count == 0
        later = event_from("T2", mention("<@UBOTT2> what does a tpm do?", "700.2"), "EvT2b")
        signed_post(bot, later, "application/json")
        bot.finish_replies()
        assert len(slack.calls_to("chat.postMessage")) == 1
        assert "kind=not_installed team=T2 decision=ignored" in bot.output
        assert "AuthorizeResult" not in bot.output
        assert token not in bot.output and CLIENT_SECRET not in bot.output
    finally:
        bot.close()


def test_tokens_revoked_deletes_the_installation(slack, matcher, store_at) -> None:
    store = store_at()
    store.upgrade()
    bot = oauth_bot(slack, matcher, store)
    try:
        state, _ = begin_install(bot)
        assert finish_install(bot, "T3", state, state) == 200
        revoked = event_from(
            "T3", {"type": "tokens_revoked", "tokens": {"bot": ["UBOTT3"]}}, "EvT3revoked"
        )
        assert signed_post(bot, revoked, "application/json")[0] == 200
        bot.wait_for_output("forgotten team=T3")
        assert store.installations is not None
        assert (
            store.installations.installation_store.find_bot(enterprise_id=None, team_id="T3")
            is None
        )
    finally:
        bot.close()


def test_a_wrong_or_missing_state_is_refused(slack, matcher) -> None:
    bot = oauth_bot(slack, matcher, None)
    try:
        state, _ = begin_install(bot)
        assert finish_install(bot, "T4", state, None) == 400  # no cookie
        assert finish_install(bot, "T4", state, "another-state") == 400  # another browser
        assert finish_install(bot, "T4", "forged", "forged") == 401  # never issued
        assert slack.calls_to("oauth.v2.access") == []
        bot.wait_for_output("kind=oauth decision=refused reason=invalid_state status=401")
        # The state is used once: the real one still works, then never again.
        assert finish_install(bot, "T4", state, state) == 200
        assert finish_install(bot, "T4", state, state) == 401
        assert len(slack.calls_to("oauth.v2.access")) == 1
    finally:
        bot.close()


def test_an_install_slack_refuses_is_not_stored(slack, matcher) -> None:
    bot = oauth_bot(slack, matcher, None)
    try:
        state, _ = begin_install(bot)
        status, _, _ = bot.browse(
            "/slack/oauth_redirect", f"code=bogus&state={state}", {"Cookie": f"{COOKIE}={state}"}
        )
        assert status == 401
        bot.wait_for_output("kind=oauth decision=refused reason=invalid_code status=401")
        assert "bogus" not in bot.output, "the code is not logged"
        installations = bot.store.installations
        assert installations.installation_store.find_bot(enterprise_id=None, team_id="T5") is None
    finally:
        bot.close()


def test_single_workspace_mode_has_no_oauth_paths(bot) -> None:
    assert bot.browse("/slack/install")[0] == 404
    assert bot.browse("/slack/oauth_redirect", "code=code-T2&state=x")[0] == 404
    assert bot.store.installations is None


def test_a_key_that_did_not_save_the_token_finds_no_installation(store_at) -> None:
    from slack_sdk.oauth.installation_store.models.installation import Installation

    store = store_at()
    store.upgrade()
    saving = enable_installations(store, CLIENT_ID, KEY).installation_store
    saving.save(Installation(app_id="A1", team_id="T6", user_id="U1", bot_token="xoxb-T6-secret"))
    assert saving.find_bot(enterprise_id=None, team_id="T6").bot_token == "xoxb-T6-secret"
    other = Installations(CLIENT_ID, store.engine, "another-key-0000000", store.health)
    other = other.installation_store
    assert other.find_bot(enterprise_id=None, team_id="T6") is None
    assert other.find_installation(enterprise_id=None, team_id="T6") is None


def test_expired_states_are_purged(store_at) -> None:
    store = store_at()
    store.upgrade()
    installations = enable_installations(store, CLIENT_ID, KEY)
    installations.state_store.expiration_seconds = -1
    installations.state_store.issue()
    assert store.purge()["oauth_states"] == 1


# Settings


def oauth_env(**extra: str) -> dict[str, str]:
    return {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": "s",
        "TPM_BOT_ENCRYPTION_KEY": KEY,
        **extra,
    }


def test_oauth_mode_needs_no_bot_token() -> None:
    settings = load_settings(oauth_env(), dotenv=None).require_slack(socket_mode=False)
    assert settings.oauth and not settings.bot_token
    assert not Settings().oauth


def test_oauth_mode_reports_every_missing_setting_at_once() -> None:
    env = oauth_env(SLACK_SIGNING_SECRET="", TPM_BOT_ENCRYPTION_KEY="")
    del env["SLACK_CLIENT_SECRET"]
    with pytest.raises(StartupError) as raised:
        load_settings(env, dotenv=None).require_slack(socket_mode=False)
    lines = raised.value.lines
    assert len(lines) == 3
    assert lines[0].startswith("SLACK_CLIENT_SECRET is not set; get it from")
    assert lines[1].startswith("SLACK_SIGNING_SECRET is not set")
    assert lines[2].startswith("TPM_BOT_ENCRYPTION_KEY is not set")
    assert "secrets.token_urlsafe(32)" in lines[2]


def test_socket_mode_ignores_the_oauth_settings() -> None:
    env = oauth_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1", TPM_BOT_ENCRYPTION_KEY="")
    load_settings(env, dotenv=None).require_slack(socket_mode=True)


def test_serve_refuses_oauth_mode_without_the_key_in_one_line(slack) -> None:
    bot = BotProcess(
        "serve",
        slack.url,
        SLACK_BOT_TOKEN="",
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
        TPM_BOT_ENCRYPTION_KEY="",
    )
    code = bot.process.wait(timeout=60)
    bot.stop()
    assert code == 2
    lines = bot.output.strip().splitlines()
    assert len(lines) == 1, bot.output
    assert lines[0].startswith("tpm-bot: TPM_BOT_ENCRYPTION_KEY is not set")
    assert "secrets.token_urlsafe(32)" in lines[0]


# The real server


def install_over_http(base: str, team: str) -> None:
    """A browser installs the app in `team` through a running `tpm-bot serve`."""
    with urllib.request.urlopen(f"{base}/slack/install", timeout=10) as page:
        body = page.read().decode()
        cookie = page.headers["Set-Cookie"]
    state = re.search(rf"{COOKIE}=([^;]+);", cookie).group(1)
    assert f"state={state}" in html.unescape(body)
    # The cookie is Secure (Slack redirects over HTTPS), so it is sent by hand over this HTTP.
    request = urllib.request.Request(
        f"{base}/slack/oauth_redirect?code=code-{team}&state={state}",
        headers={"Cookie": f"{COOKIE}={state}"},
    )
    with urllib.request.urlopen(request, timeout=10) as done:
        assert done.status == 200
    with pytest.raises(urllib.error.HTTPError) as again:
        urllib.request.urlopen(request, timeout=10)
    assert again.value.code == 401, "a state is used once"


def oauth_process(slack, database_url: str) -> BotProcess:
    return BotProcess(
        "serve",
        slack.url,
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="",
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
        TPM_BOT_ENCRYPTION_KEY=KEY,
    )


def test_serve_installs_and_answers_a_new_workspace_over_http(slack, database_url) -> None:
    """`tpm-bot serve` in OAuth mode: a browser installs it, then an event from the new
    workspace is answered with that workspace's token."""
    slack.reset()
    bot = oauth_process(slack, database_url)
    try:
        bot.wait_until_healthy()
        install_over_http(bot.base, "T7")
        token = slack.token_of("T7")
        body = event_from("T7", mention("<@UBOTT7> what does a tpm do?", "800.1"), "EvT7")
        assert signed_post(bot.base, body, "application/json")[0] == 200
        slack.wait_for("chat.postMessage")
        assert slack.tokens_for("chat.postMessage") == [token]
        bot.wait_for_output("kind=oauth decision=installed team=T7")
    finally:
        bot.stop()
    assert "installs=oauth" in bot.output
    assert token not in bot.output and CLIENT_SECRET not in bot.output and KEY not in bot.output


def test_an_uninstall_through_one_instance_stops_answers_on_both(slack) -> None:
    """Two `tpm-bot serve` sharing one PostgreSQL: installed through one, answered through the
    other with the new token; uninstalled through the first, the second stops answering."""
    slack.reset()
    url, drop = new_postgres_database()
    bots = [oauth_process(slack, url) for _ in range(2)]
    try:
        for bot in bots:
            bot.wait_until_healthy()
        install_over_http(bots[0].base, "T8")
        token = slack.token_of("T8")
        asked = event_from("T8", mention("<@UBOTT8> what does a tpm do?", "900.1"), "EvT8a")
        assert signed_post(bots[1].base, asked, "application/json")[0] == 200
        slack.wait_for("chat.postMessage")
        assert slack.tokens_for("chat.postMessage") == [token]

        gone = event_from("T8", {"type": "app_uninstalled"}, "EvT8gone")
        assert signed_post(bots[0].base, gone, "application/json")[0] == 200
        bots[0].wait_for_output("forgotten team=T8")
        again = event_from("T8", mention("<@UBOTT8> what does a tpm do?", "900.2"), "EvT8b")
        status, _ = signed_post(bots[1].base, again, "application/json")
        assert status == 200  # acknowledged, so Slack does not retry, and not answered
        bots[1].wait_for_output("kind=not_installed team=T8 decision=ignored")
        time.sleep(0.5)
        assert len(slack.calls_to("chat.postMessage")) == 1
    finally:
        for bot in bots:
            bot.stop()
        drop()


def test_tokens_that_cannot_be_read_get_a_500_so_slack_delivers_again(
    slack, matcher, monkeypatch
) -> None:
    bot = oauth_bot(slack, matcher, None)
    try:
        make_installations_unreachable(bot, monkeypatch)
        body = event_from("T9", mention("<@UBOTT9> what does a tpm do?", "950.1"), "EvT9")
        assert signed_post(bot, body, "application/json")[0] == 500
        assert "kind=store decision=unreachable during=find_installation" in bot.output
        assert "kind=database_error error=OperationalError event_id=EvT9" in bot.output
        assert "Traceback" not in bot.output
    finally:
        bot.close()


def test_a_token_slack_refuses_gets_no_answer(slack, matcher) -> None:
    bot = oauth_bot(slack, matcher, None)
    try:
        state, _ = begin_install(bot)
        assert finish_install(bot, "T10", state, state) == 200
        slack.fail("auth.test", error="token_revoked")
        body = event_from("T10", mention("<@UBOTT10> what does a tpm do?", "960.1"), "EvT10")
        assert signed_post(bot, body, "application/json")[0] == 200
        bot.finish_replies()
        assert slack.calls_to("chat.postMessage") == []
        assert "kind=not_installed team=T10 decision=token_refused error=token_revoked" in (
            bot.output
        )
    finally:
        bot.close()


def test_a_workspace_already_served_is_answered_while_the_database_is_unreachable(
    slack, matcher, monkeypatch
) -> None:
    """Losing the database must not stop answers: the installation last read is used until the
    database answers again; a workspace never served still gets a 500 so Slack retries."""
    bot = oauth_bot(slack, matcher, None)
    try:
        state, _ = begin_install(bot)
        assert finish_install(bot, "T11", state, state) == 200
        first = event_from("T11", mention("<@UBOTT11> what does a tpm do?", "970.1"), "EvT11a")
        assert signed_post(bot, first, "application/json")[0] == 200
        slack.wait_for("chat.postMessage")

        make_installations_unreachable(bot, monkeypatch)
        during = event_from("T11", mention("<@UBOTT11> tpm salary?", "970.2"), "EvT11b")
        assert signed_post(bot, during, "application/json")[0] == 200
        replies = slack.wait_for("chat.postMessage", count=2)
        assert replies[-1]["thread_ts"] == "970.2"
        assert slack.tokens_for("chat.postMessage")[-1] == slack.token_of("T11")
        assert "kind=authorize team=T11 decision=last_read reason=store_unreachable" in bot.output

        stranger = event_from("T12", mention("<@UBOTT12> hi", "970.3"), "EvT12")
        assert signed_post(bot, stranger, "application/json")[0] == 500
        assert "Traceback" not in bot.output
    finally:
        bot.close()


# The OAuth pages under faults and floods (issue 19)


def make_states_unreachable(monkeypatch) -> None:
    """Every write and read of an OAuth state fails as if the database were down."""
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    from sqlalchemy.exc import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("INSERT INTO slack_oauth_states", {}, ConnectionRefusedError())

    monkeypatch.setattr(SQLAlchemyOAuthStateStore, "issue", unreachable)


def test_the_install_page_with_the_database_down_says_to_come_back(
    slack, matcher, monkeypatch
) -> None:
    bot = oauth_bot(slack, matcher, None)
    try:
        make_states_unreachable(monkeypatch)
        status, _, body = bot.browse("/slack/install")
        assert status == 503 and "try again" in body
        assert "Traceback" not in bot.output and "INSERT" not in bot.output
        assert "kind=refused reason=oauth_unavailable status=503" in bot.output
    finally:
        bot.close()


def test_a_state_check_with_the_database_down_is_not_called_invalid(
    slack, matcher, monkeypatch
) -> None:
    from sqlalchemy.exc import OperationalError

    bot = oauth_bot(slack, matcher, None)
    try:
        state, _ = begin_install(bot)
        engine = bot.store.installations.state_store.engine

        def unreachable(*args, **kwargs):
            raise OperationalError("DELETE", {}, ConnectionRefusedError())

        monkeypatch.setattr(engine, "begin", unreachable)
        status, _, _ = bot.browse(
            "/slack/oauth_redirect",
            f"code=code-T9&state={state}",
            {"Cookie": f"{COOKIE}={state}"},
        )
        assert status == 503
        assert state not in bot.output and "invalid_state" not in bot.output
        assert slack.calls_to("oauth.v2.access") == []  # the code was not spent
    finally:
        bot.close()


def test_one_client_visiting_the_install_page_in_a_loop_is_slowed(slack, matcher) -> None:
    bot = oauth_bot(slack, matcher, None)
    try:
        statuses = [bot.browse("/slack/install")[0] for _ in range(15)]
        assert statuses[:10] == [200] * 10 and set(statuses[10:]) == {429}
        with bot.store.engine.connect() as connection:
            states = connection.execute(text("SELECT COUNT(*) FROM slack_oauth_states")).scalar()
        assert states == 10
        assert bot.output.count("reason=oauth_visits") == 1
    finally:
        bot.close()


def test_expired_states_are_purged_by_the_next_visit_within_a_minute(store_at) -> None:
    store = store_at()
    store.upgrade()
    states = enable_installations(store, CLIENT_ID, KEY).state_store
    states.expiration_seconds = -1
    for _ in range(3):
        states.issue()
    states.expiration_seconds = 600
    states._purged_at -= 61  # a minute on
    states.issue()
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM slack_oauth_states")).scalar() == 1


def test_a_key_that_cannot_open_the_stored_tokens_stops_serve_at_start(
    slack, matcher, store_at
) -> None:
    from slack_sdk.oauth.installation_store.models.installation import Installation

    store = store_at()
    store.upgrade()
    saving = enable_installations(store, CLIENT_ID, KEY).installation_store
    saving.save(Installation(app_id="A1", team_id="T8", user_id="U1", bot_token="xoxb-T8"))
    store.installations = None  # a restart, with another key
    with pytest.raises(StartupError) as refused:
        InProcessBot(
            slack.url,
            KnowledgeHolder(matcher),
            store=store,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            encryption_key="a-different-key-00000000",
        )
    assert "TPM_BOT_ENCRYPTION_KEY" in str(refused.value.lines)
