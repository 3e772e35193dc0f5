"""`tpm-bot`: ask the guide from a terminal, check knowledge files, or run the Slack app.

The entry point: it reads the settings once, loads the knowledge once, and hands both to the
command. The question-answering commands never import Slack libraries, so they start about as
fast as Python itself; `serve` and `socket` import the Slack layer only when they run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.core.cache import load_matcher
from bot.core.matcher import Matcher, MatchResult
from bot.core.models import KnowledgeError
from bot.core.plaintext import render_text, wrap_text
from bot.core.replies import compose
from bot.settings import (
    KNOWLEDGE_ENV,
    Settings,
    StartupError,
    default_database_path,
    load_settings,
)

if TYPE_CHECKING:
    from bot.core.holder import KnowledgeHolder
    from bot.core.models import KnowledgeBase
    from bot.core.replies import Reply
    from bot.store.store import Store

EXIT_CANNOT_START = 2
#: Between the replies of `ask -` as text, and before a new conversation of `--conversation -`.
QUESTION_RULE = "─" * 40
NEW_CONVERSATION_RULE = "── new conversation " + "─" * 20
#: The workspace of questions recorded from the terminal (`--record`): none.
TERMINAL_TEAM = ""
HISTORY_FILE = os.path.join(os.path.expanduser("~"), ".tpm_bot_history")


def load_or_exit(settings: Settings) -> Matcher:
    """A matcher over the shipped guide plus the configured extras (from the start-up cache when
    nothing changed), or a StartupError listing every problem."""
    try:
        return load_matcher(settings.knowledge_paths, settings.cache_dir, settings.encoder)
    except KnowledgeError as error:
        count = len(error.problems)
        import shlex

        check = " ".join(["tpm-bot validate", *map(shlex.quote, settings.knowledge_paths)])
        raise StartupError(
            [
                f"the knowledge base has {count} problem{'s' * (count != 1)}; fix "
                f"{'them' if count != 1 else 'it'} and check again with `{check}`."
            ],
            [str(p) for p in error.problems],
        ) from None


def load_holder(settings: Settings) -> KnowledgeHolder:
    """What the servers serve from: the knowledge, and reloading it (terminal commands need only
    a matcher, and skip the holder's logging and threads)."""
    from bot.core.holder import KnowledgeHolder

    return KnowledgeHolder(
        load_or_exit(settings), settings.knowledge_paths, settings.cache_dir, settings.encoder
    )


def result_json(
    result: MatchResult, kb: KnowledgeBase, *, picking: bool = False, reply: Reply | None = None
) -> dict[str, object]:
    """The public JSON shape of one answer (documented in the README); `reply` when the caller
    has already composed it."""
    section = result.section
    return {
        "query": result.query,
        "status": result.status,
        "intent": "question" if result.intent == "question" else "help",
        "engine": result.engine,
        "section": {"id": section.id, "title": section.title} if section else None,
        "not_covered": result.not_covered or None,
        "also": [{"id": s.id, "title": s.title} for s in result.also],
        "score": result.score,
        "candidates": [
            {"id": c.section.id, "title": c.section.title, "score": c.score}
            for c in result.candidates
        ],
        "text": render_text(reply or compose(result, kb), picking=picking),
    }


#: Records a question and its result in the store (or does nothing without --record).
Recorder = Callable[[MatchResult, str], None]


@contextlib.contextmanager
def recorder(args: argparse.Namespace, settings: Settings) -> Iterator[Recorder]:
    """With --record, count each question in the store exactly as a Slack question is counted
    (bot.slack.listeners.answering.record_question: only questions, never greetings; its
    decision and section; the terms or cleaned text of a gap; never who asked), so a
    maintainer sees the whole loop, question to `tpm-bot report`, on a laptop. The store is
    created or migrated first, as `serve` does; without --record it is never opened."""
    if not getattr(args, "record", False):
        yield lambda result, question: None
        return
    settings.require_store()
    with opened_store(settings) as store:
        store.upgrade()

        def record(result: MatchResult, question: str) -> None:
            if result.intent == "question":
                section = result.section.id if result.section else None
                store.questions.record(TERMINAL_TEAM, result.status, section, question)

        yield record


def _conversations(lines: Iterable[str]) -> Iterator[tuple[bool, str]]:
    """(starts a new conversation, question) for each non-blank line; blank lines separate."""
    new = True
    for line in lines:
        question = line.rstrip("\n")
        if not question.strip():
            new = True
            continue
        yield new, question
        new = False


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: the conversation model brings threading, which a one-off `ask` skips.
    from bot.core.conversations import Dialogue

    matcher = load_or_exit(settings)
    kb = matcher.kb

    picking = args.conversation  # a later line may pick an offered topic by its number
    # Several questions from standard input, as text: each reply follows its question (echoed)
    # and a rule, so a page of replies can be read back against what was asked.
    several = args.question == ["-"] and not args.json
    width = terminal_width() if sys.stdout.isatty() else None
    shown_before = False

    def show(
        question: str, result: MatchResult, reply: Reply | None = None, new: bool = False
    ) -> None:
        nonlocal shown_before
        reply = reply or compose(result, kb)
        if args.json:
            import json

            shown = result_json(result, kb, picking=picking, reply=reply)
            print(json.dumps(shown, ensure_ascii=False), flush=True)
            return
        text = render_text(reply, picking=picking)
        if width:
            text = wrap_text(text, width)
        if several:
            if shown_before:
                print(NEW_CONVERSATION_RULE if new else QUESTION_RULE, end="\n\n")
            print(f"> {question}", end="\n\n")
        print(text, end="\n\n", flush=True)
        shown_before = True

    if args.question != ["-"] and args.conversation:
        print(
            "tpm-bot: --conversation reads the conversation from standard input: "
            "use `tpm-bot ask --conversation -` (or `tpm-bot chat`).",
            file=sys.stderr,
        )
        return 2
    with recorder(args, settings) as record:
        if args.question != ["-"]:
            question = " ".join(args.question)
            result = matcher.match(question)
            record(result, question)
            show(question, result)
        elif args.conversation:
            conversation = Dialogue(matcher)
            for new, question in _conversations(sys.stdin):
                if new:
                    conversation = Dialogue(matcher)
                result, reply = conversation.ask(question)
                record(result, question)
                show(question, result, reply, new=new)
        else:
            for line in sys.stdin:
                question = line.rstrip("\n")
                result = matcher.match(question)
                record(result, question)
                show(question, result)
    return 0


def terminal_width() -> int:
    """Columns of the terminal (COLUMNS first, else the terminal itself, else 80)."""
    import shutil

    return shutil.get_terminal_size().columns


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.conversations import Dialogue

    matcher = load_or_exit(settings)
    conversation = Dialogue(matcher)
    try:
        import readline

        if os.path.exists(HISTORY_FILE):
            readline.read_history_file(HISTORY_FILE)
    except (ImportError, OSError):
        readline = None  # type: ignore[assignment]
    say = _chat_printer()
    say(
        f"tpm-bot {__version__}: ask about the Technical Product Manager role. Follow-ups like "
        "'and for seniors?' work; 'topics' lists every topic, 'new' starts over, 'quit' or "
        "Ctrl-D leaves."
    )
    # Piped questions get no prompt: it would run into the answer on the same line.
    prompt = "tpm> " if sys.stdin.isatty() else ""
    try:
        with recorder(args, settings) as record:
            while True:
                try:
                    line = input(prompt).strip()
                except EOFError:
                    print()
                    break
                except KeyboardInterrupt:
                    print()
                    continue
                if line.lower() in ("quit", "exit", ":q"):
                    break
                if line.lower() in ("new", "reset"):
                    conversation = Dialogue(matcher)
                    say("Starting a new conversation.\n")
                elif line.lower() in ("topics", "/topics"):
                    say(topic_list(matcher.kb, numbered=True), end="\n\n")
                    conversation.offered = matcher.kb.sections
                elif line:
                    result, reply = conversation.ask(line)
                    record(result, line)
                    say(
                        render_text(reply, picking=True, every_topic="Every topic: type topics"),
                        end="\n\n",
                    )
    finally:
        if readline is not None:
            try:
                readline.set_history_length(1000)
                readline.write_history_file(HISTORY_FILE)
            except OSError:
                pass
    return 0


def _chat_printer() -> Callable[..., None]:
    """print, folding text to the terminal's width as it is now (a window may be resized
    between two replies)."""

    def say(text: str, end: str = "\n") -> None:
        print(wrap_text(text, terminal_width()), end=end, flush=True)

    return say


def topic_list(kb: KnowledgeBase, numbered: bool = False) -> str:
    """Every section, one per line: its id, then its title (numbered, in `chat`, where a
    number in reply reads that topic)."""
    width = max(len(s.id) for s in kb.sections)
    if not numbered:
        return "\n".join(f"{s.id.ljust(width)}  {s.title}" for s in kb.sections)
    lines = [f"{n:>2}. {s.id.ljust(width)}  {s.title}" for n, s in enumerate(kb.sections, 1)]
    return "\n".join([*lines, "", "Reply with a number to read that topic."])


def _cmd_topics(args: argparse.Namespace, settings: Settings) -> int:
    print(topic_list(load_or_exit(settings).kb))
    return 0


def _cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.loader import load_knowledge

    # Alone: just the files named. Otherwise they are checked with the shipped guide and the
    # configured extras, as the bot would load them (each file once, however often it is named).
    named = (
        [*args.knowledge, *args.paths]
        if args.alone
        else [
            *settings.knowledge_paths,
            *args.paths,
        ]
    )
    paths = list({os.path.abspath(os.path.expanduser(p)): p for p in named}.values())
    if args.alone and not paths:
        print("tpm-bot validate: --alone needs a PATH to check", file=sys.stderr)
        return 2
    try:
        kb = load_knowledge(paths, include_shipped=not args.alone)
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem)
        count = len(error.problems)
        print(f"{count} problem{'s' * (count != 1)} found.", file=sys.stderr)
        if args.alone:
            shipped = {s.id for s in load_knowledge().sections}
            named_shipped = sorted(i for i in shipped if f"'{i}'" in str(error))
            if named_shipped:
                print(
                    f"note: {', '.join(named_shipped)} {'are' if len(named_shipped) > 1 else 'is'}"
                    " in the shipped guide, which --alone leaves out; check without --alone.",
                    file=sys.stderr,
                )
        return 1
    files = len(kb.files)
    print(f"OK: {len(kb.sections)} sections in {files} file{'s' * (files != 1)}, no problems.")
    if not args.alone:
        _warn_about_taken_questions(kb)
    return 0


def _warn_about_taken_questions(kb: KnowledgeBase) -> None:
    """Warn (without failing) about the guide's questions an added file would now answer."""
    from bot.core.loader import load_knowledge
    from bot.core.overlap import taken_questions

    taken = taken_questions(load_knowledge(), kb)
    for question, was, now in taken:
        print(
            f"warning: {question!r} is answered by the guide's {was!r} without your files; "
            f"with them it gets {now!r}"
        )
    if taken:
        print(
            f"{len(taken)} question{'s' * (len(taken) != 1)} the guide answers would be answered "
            "by the added sections: make their aliases and questions more specific unless that "
            "is what you want."
        )


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_slack(socket_mode=False)
    holder = load_holder(settings)
    from bot.slack.server import serve_http

    return serve_http(settings, holder)


def _cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_slack(socket_mode=True)
    holder = load_holder(settings)
    from bot.slack.server import serve_socket_mode

    return serve_socket_mode(settings, holder)


@contextlib.contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """The store for `db`, `report` and `--record`, closed afterwards (what is queued is
    written then); one line if it cannot be opened."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.store import Store

    try:
        # A report over a large table may take longer than an answer's deadline allows.
        store = Store.configured(settings, deadline=None)
        try:
            yield store
        finally:
            store.close()
    except (SQLAlchemyError, OSError) as error:
        from bot.store.migrate import database_exists

        if isinstance(error, SQLAlchemyError) and database_exists(settings.database_url) is False:
            raise StartupError([_no_postgres_database(settings)]) from None
        # The driver's own first line says why ("Connection refused", "unable to open database
        # file"); it names the host and port, never the password.
        cause = getattr(error, "orig", None) or error
        lines = str(cause).strip().splitlines()
        reason = lines[0][:200] if lines else type(error).__name__
        raise StartupError(
            [f"cannot open the database {settings.database_shown}: {reason}"]
        ) from None


def _no_postgres_database(settings: Settings) -> str:
    """What to do when the server is there but the database named is not."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    return (
        f"the database {url.database!r} does not exist on {url.host or 'the server'}: "
        "create it with `tpm-bot db upgrade` (or check DATABASE_URL)"
    )


def _require_migrated(store: Store, settings: Settings) -> None:
    """A report needs the bot's tables: a database nothing has migrated (a new PostgreSQL
    database, an empty file) is a step missed, said as the step to take, not a missing table."""
    from bot.store.migrate import current

    with store.engine.connect() as connection:
        revision = current(connection)
    if revision is None:
        raise StartupError(
            [
                f"the database {settings.database_shown} has no tpm-bot tables yet: run "
                "`tpm-bot db upgrade` (`tpm-bot serve` and `tpm-bot socket` also create them "
                "when they start)"
            ]
        )


def _require_existing_sqlite_file(settings: Settings) -> None:
    """A report reads what the bot recorded: a SQLite file that is not there is a mistyped
    DATABASE_URL (or a bot that never ran), not an empty week, so it is not created."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and not os.path.exists(url.database):
        raise StartupError(
            [
                f"no database at {url.database}: create it with `tpm-bot db upgrade` (`tpm-bot "
                "serve` and `tpm-bot socket` also create it when they first run); check "
                "DATABASE_URL"
            ]
        )


def _cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_store()
    from bot.store.migrate import CannotCreateDatabase, create_database

    where = settings.database_shown
    try:
        created = create_database(settings.database_url)
    except CannotCreateDatabase as error:
        raise StartupError(
            [
                f"the database {error.name!r} does not exist and this role may not create it "
                f"({error.reason}); ask an administrator to run `{error.command}`, then run "
                "`tpm-bot db upgrade` again"
            ]
        ) from None
    if created:
        print(f"{where}: created the database.")
    with opened_store(settings) as store:
        before, after = store.upgrade()
    if before == after:
        print(f"{where}: already at revision {after}.")
    else:
        print(f"{where}: upgraded from {before or 'an empty database'} to revision {after}.")
    return 0


def _cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_store()
    import json

    from bot.store.report import build_report, parse_since, render_html, render_table

    try:
        since = parse_since(args.since)
    except ValueError as error:
        raise StartupError([str(error)]) from None
    _require_existing_sqlite_file(settings)
    with opened_store(settings) as store:
        _require_migrated(store, settings)
        store.upgrade()  # a database migrated by an older tpm-bot gets the newer tables
        report = build_report(store.engine, since)
    if args.html:
        try:
            with open(args.html, "w", encoding="utf-8") as handle:
                handle.write(render_html(report))
        except OSError as error:
            raise StartupError(
                [
                    f"cannot write the report to {args.html} ({error.strerror}); name a file in "
                    "a folder that exists, such as --html report.html"
                ]
            ) from None
        print(f"Wrote {args.html}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    elif not args.html:
        print(render_table(report))
        if not report["questions"]:
            print(
                "\nNo questions recorded in this period. `tpm-bot serve` and `tpm-bot socket`"
                " record them; `ask` and `chat` in the terminal do with --record."
            )
    return 0


def _cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    """What the bot failed on, to label: see bot/review.py. Heavy modules are imported here,
    so `ask` never pays for them."""
    settings.require_store()
    import json
    import time

    from bot.review import Session, check, diff, proposed, write
    from bot.store.report import parse_since

    try:
        since = time.time() - parse_since(args.since)
    except ValueError as error:
        raise StartupError([str(error)]) from None
    if not args.json and not args.to:
        raise StartupError(
            ["review writes what you teach to a team knowledge file: name it with --to PATH"]
        )
    _require_existing_sqlite_file(settings)
    with opened_store(settings) as store:
        _require_migrated(store, settings)
        store.upgrade()
        candidates = store.teaching.candidates(since)
        if args.json:
            print(json.dumps([c.as_json() for c in candidates], ensure_ascii=False))
            return 0
        if not candidates:
            print(
                "Nothing to review: no declined, partly answered or 👎 questions, and no "
                "pending labels, in this period."
            )
            return 0
        # The file being taught may not exist yet, even when it is already configured.
        target = os.path.abspath(args.to)
        settings = settings._replace(
            knowledge_paths=tuple(
                p
                for p in settings.knowledge_paths
                if os.path.abspath(p) != target or os.path.exists(p)
            )
        )
        matcher = load_or_exit(settings)
        session = Session(matcher.kb, input, print)
        session.run(candidates)
        if not session.labels:
            print("Nothing labelled; nothing written.")
            return 0
        before, after = proposed(args.to, session.labels)
        print()
        print(diff(args.to, before, after), end="")
        problems = check(args.to, after, settings.knowledge_paths)
        if problems:
            for problem in problems:
                print(problem)
            print(f"{args.to} would not validate; nothing written.", file=sys.stderr)
            return 1
        count = len(session.labels)
        try:
            confirmed = input(f"Write {count} change{'s' * (count != 1)} to {args.to}? [y/N] ")
        except EOFError:
            confirmed = ""
        if confirmed.strip().lower() not in ("y", "yes"):
            print("Nothing written.")
            return 0
        try:
            write(args.to, after)
        except OSError as error:
            raise StartupError(
                [f"cannot write {args.to} ({error.strerror}); name a file in a folder that exists"]
            ) from None
        store.teaching.written(
            session.pending, [(lb.question, lb.section, lb.note) for lb in session.given]
        )
    configured = load_settings(extra_knowledge=tuple(args.knowledge)).knowledge_paths
    loaded = os.path.abspath(args.to) in {os.path.abspath(p) for p in configured}
    hint = (
        "a running bot picks it up on its next reload (SIGHUP, or TPM_BOT_RELOAD=1)"
        if loaded
        else f"add it with --knowledge {args.to} or {KNOWLEDGE_ENV} to use it"
    )
    print(f"Wrote {args.to}: {hint}.")
    return 0


def _terminal_columns() -> int:
    """The terminal's width, as shutil.get_terminal_size reads it (COLUMNS, then the terminal)."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, minus its import of shutil for the terminal width: argparse makes
    a formatter for every argument it adds, and that import was a tenth of `ask`'s start-up."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose sub-command parsers (made with type(self)) share the formatter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


RECORD_HELP = (
    "record each question in the database (DATABASE_URL) as Slack questions are, for "
    "`tpm-bot report`"
)
#: The sub-commands, in the order `--help` lists them.
COMMANDS = ("ask", "chat", "topics", "validate", "serve", "socket", "db", "report", "review")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line. With `only` (a sub-command about to run), the other sub-commands are
    left out: each costs argparse a parser of its own, a good part of `ask`'s start-up, and
    only `--help` or a mistyped command needs them all."""

    def wanted(command: str) -> bool:
        return only is None or only == command

    knowledge = _Parser(add_help=False)
    knowledge.add_argument(
        "--knowledge",
        "-k",
        action="append",
        default=[],
        metavar="PATH",
        help=f"extra knowledge file or folder on top of the shipped guide (repeatable; "
        f"also ${KNOWLEDGE_ENV}, paths separated by ':')",
    )
    parser = _Parser(
        prog="tpm-bot",
        description="Answers Technical Product Manager career questions from a curated guide, "
        "in the terminal or in Slack. Settings come from the environment and a .env file in "
        "the working folder.",
        epilog="serve and socket remember retries, feedback, unanswered questions and "
        "conversations in the database named by DATABASE_URL (sqlite:///path or "
        "postgresql://user:password@host/db); unset, a SQLite file created on first use: "
        f"sqlite:///{default_database_path(os.environ)}. ask and chat record questions there "
        "only with --record; topics and validate never open it.",
    )
    parser.add_argument("--version", action="version", version=f"tpm-bot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    if wanted("ask"):
        ask = commands.add_parser(
            "ask",
            parents=[knowledge],
            help="answer one question ('-' reads one per line from stdin)",
        )
        ask.add_argument("question", nargs="+", help="the question, or '-' for standard input")
        ask.add_argument(
            "--json", action="store_true", help="print a JSON object (JSON Lines with '-')"
        )
        ask.add_argument(
            "--conversation",
            action="store_true",
            help="with '-': the lines are one conversation, so follow-ups like 'and for seniors?' "
            "resolve against earlier answers; a blank line starts a new conversation",
        )
        ask.add_argument("--record", action="store_true", help=RECORD_HELP)
        ask.set_defaults(run=_cmd_ask)

    if wanted("chat"):
        chat = commands.add_parser(
            "chat", parents=[knowledge], help="ask questions interactively, with follow-ups"
        )
        chat.add_argument("--record", action="store_true", help=RECORD_HELP)
        chat.set_defaults(run=_cmd_chat)

    if wanted("topics"):
        topics = commands.add_parser(
            "topics", parents=[knowledge], help="list the topics (sections)"
        )
        topics.set_defaults(run=_cmd_topics)

    if wanted("validate"):
        validate = commands.add_parser(
            "validate",
            parents=[knowledge],
            help="check knowledge files together with the shipped guide and configured extras",
        )
        validate.add_argument("paths", nargs="*", metavar="PATH", help="knowledge files or folders")
        validate.add_argument(
            "--alone", action="store_true", help="check only the PATHs, without the shipped guide"
        )
        validate.set_defaults(run=_cmd_validate)

    if wanted("serve"):
        serve = commands.add_parser(
            "serve", parents=[knowledge], help="run the Slack app over HTTP on $HOST:$PORT"
        )
        serve.add_argument("--port", type=int, default=None, help="port (default: $PORT or 3000)")
        serve.set_defaults(run=_cmd_serve)

    if wanted("socket"):
        socket = commands.add_parser(
            "socket", parents=[knowledge], help="run the Slack app in Socket Mode (no public URL)"
        )
        socket.set_defaults(run=_cmd_socket)

    if wanted("db"):
        db = commands.add_parser(
            "db", help="manage the database (DATABASE_URL, default shown in tpm-bot --help)"
        )
        db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
        upgrade = db_commands.add_parser(
            "upgrade", help="create the database or bring it to the newest schema, keeping its rows"
        )
        upgrade.set_defaults(run=_cmd_db)

    if wanted("report"):
        report = commands.add_parser(
            "report",
            help="what people asked, what helped and what the guide is missing (from the database)",
        )
        report.add_argument("--since", default="7d", help="period: 7d (default), 12h, 2w, 30m")
        report.add_argument("--json", action="store_true", help="print one JSON object")
        report.add_argument(
            "--html", metavar="FILE", help="write one self-contained HTML page with a chart"
        )
        report.set_defaults(run=_cmd_report)

    if wanted("review"):
        review = commands.add_parser(
            "review",
            parents=[knowledge],
            help="label what the bot declined, answered partly or got a 👎 for, into a "
            "team knowledge file",
        )
        review.add_argument(
            "--to", metavar="PATH", help="the team knowledge file to add examples and gaps to"
        )
        review.add_argument(
            "--since", default="30d", help="questions asked in this period: 30d (default), 2w"
        )
        review.add_argument(
            "--json", action="store_true", help="list the candidates as JSON and stop"
        )
        review.set_defaults(run=_cmd_review)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:
        # `tpm-bot` alone: what it can do, not a usage error.
        build_parser(None).print_help()
        return 0
    first = arguments[0]
    quick = first in COMMANDS and not {"-h", "--help"} & set(arguments)
    args = build_parser(first if quick else None).parse_args(arguments)
    settings = load_settings(
        extra_knowledge=tuple(getattr(args, "knowledge", ())), port=getattr(args, "port", None)
    )
    try:
        return int(args.run(args, settings))
    except StartupError as error:
        for detail in error.details:
            print(detail, file=sys.stderr)
        for line in error.lines:
            print(f"tpm-bot: {line}", file=sys.stderr)
        return EXIT_CANNOT_START
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
