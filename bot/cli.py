"""`tpm-bot`: ask the guide from a terminal, check knowledge files, or run the Slack app.

The question-answering commands never import Slack libraries, so they start about as fast as
Python itself; `serve` and `socket` import the Slack layer only when they run.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import __version__
from bot.core.cache import load_matcher
from bot.core.matcher import Matcher, MatchResult
from bot.core.models import KnowledgeBase, KnowledgeError
from bot.core.paths import KNOWLEDGE_ENV, knowledge_paths
from bot.core.replies import reply_text

if TYPE_CHECKING:
    from typing import TextIO

EXIT_INVALID_KNOWLEDGE = 2
HISTORY_FILE = os.path.join(os.path.expanduser("~"), ".tpm_bot_history")


class KnowledgeUnavailable(SystemExit):
    """Raised after the problems were printed, to stop with exit code 2 and no traceback."""


def load_or_exit(extra: Sequence[str], stderr: TextIO = sys.stderr) -> Matcher:
    """A matcher over the shipped guide plus extras (and $TPM_BOT_KNOWLEDGE), or print every
    problem and exit 2."""
    try:
        return load_matcher(knowledge_paths(extra))
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem, file=stderr)
        count = len(error.problems)
        print(
            f"tpm-bot: the knowledge base has {count} problem{'s' * (count != 1)}; "
            "fix them and run `tpm-bot validate`.",
            file=stderr,
        )
        raise KnowledgeUnavailable(EXIT_INVALID_KNOWLEDGE) from None


def result_json(result: MatchResult, kb: KnowledgeBase) -> dict[str, object]:
    """The public JSON shape of one answer (documented in the README)."""
    section = result.section
    return {
        "query": result.query,
        "status": result.status,
        "section": {"id": section.id, "title": section.title} if section else None,
        "score": result.score,
        "candidates": [
            {"id": c.section.id, "title": c.section.title, "score": c.score}
            for c in result.candidates
        ],
        "text": reply_text(result, kb),
    }


def _cmd_ask(args: argparse.Namespace) -> int:
    import json

    matcher = load_or_exit(args.knowledge)
    kb = matcher.kb
    if args.question == ["-"]:
        for line in sys.stdin:
            question = line.rstrip("\n")
            if not question.strip():
                continue
            result = matcher.match(question)
            if args.json:
                print(json.dumps(result_json(result, kb), ensure_ascii=False), flush=True)
            else:
                print(reply_text(result, kb), end="\n\n", flush=True)
        return 0
    question = " ".join(args.question)
    result = matcher.match(question)
    if args.json:
        print(json.dumps(result_json(result, kb), ensure_ascii=False))
    else:
        print(reply_text(result, kb))
    return 0


def _cmd_chat(args: argparse.Namespace) -> int:
    matcher = load_or_exit(args.knowledge)
    kb = matcher.kb
    try:
        import readline

        if os.path.exists(HISTORY_FILE):
            readline.read_history_file(HISTORY_FILE)
    except (ImportError, OSError):
        readline = None  # type: ignore[assignment]
    print(
        f"tpm-bot {__version__}: ask about the Technical Product Manager role. "
        "Type 'help' for ideas, 'quit' or Ctrl-D to leave."
    )
    try:
        while True:
            try:
                line = input("tpm> ")
            except EOFError:
                print()
                break
            except KeyboardInterrupt:
                print()
                continue
            if line.strip().lower() in ("quit", "exit", ":q"):
                break
            if line.strip():
                print(reply_text(matcher.match(line), kb), end="\n\n")
    finally:
        if readline is not None:
            try:
                readline.set_history_length(1000)
                readline.write_history_file(HISTORY_FILE)
            except OSError:
                pass
    return 0


def _cmd_topics(args: argparse.Namespace) -> int:
    kb = load_or_exit(args.knowledge).kb
    width = max(len(s.id) for s in kb.sections)
    for section in kb.sections:
        print(f"{section.id.ljust(width)}  {section.title}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from bot.core.loader import load_knowledge

    paths = [*args.knowledge, *args.paths]
    if args.alone and not paths:
        print("tpm-bot validate: --alone needs a PATH to check", file=sys.stderr)
        return 2
    try:
        if args.alone:
            kb = load_knowledge(paths, include_shipped=False)
        else:
            kb = load_knowledge(knowledge_paths(paths))
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem)
        count = len(error.problems)
        print(f"{count} problem{'s' * (count != 1)} found.", file=sys.stderr)
        return 1
    files = len(kb.files)
    print(f"OK: {len(kb.sections)} sections in {files} file{'s' * (files != 1)}, no problems.")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from bot.slack.run import serve_http

    return serve_http(args.knowledge, port=args.port)


def _cmd_socket(args: argparse.Namespace) -> int:
    from bot.slack.run import serve_socket_mode

    return serve_socket_mode(args.knowledge)


def build_parser() -> argparse.ArgumentParser:
    knowledge = argparse.ArgumentParser(add_help=False)
    knowledge.add_argument(
        "--knowledge",
        "-k",
        action="append",
        default=[],
        metavar="PATH",
        help=f"extra knowledge file or folder on top of the shipped guide (repeatable; "
        f"also ${KNOWLEDGE_ENV}, paths separated by ':')",
    )
    parser = argparse.ArgumentParser(
        prog="tpm-bot",
        description="Answers Technical Product Manager career questions from a curated guide, "
        "in the terminal or in Slack.",
    )
    parser.add_argument("--version", action="version", version=f"tpm-bot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = commands.add_parser(
        "ask", parents=[knowledge], help="answer one question ('-' reads one per line from stdin)"
    )
    ask.add_argument("question", nargs="+", help="the question, or '-' for standard input")
    ask.add_argument(
        "--json", action="store_true", help="print a JSON object (JSON Lines with '-')"
    )
    ask.set_defaults(run=_cmd_ask)

    chat = commands.add_parser("chat", parents=[knowledge], help="ask questions interactively")
    chat.set_defaults(run=_cmd_chat)

    topics = commands.add_parser("topics", parents=[knowledge], help="list the topics (sections)")
    topics.set_defaults(run=_cmd_topics)

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

    serve = commands.add_parser(
        "serve", parents=[knowledge], help="run the Slack app over HTTP (gunicorn) on $PORT"
    )
    serve.add_argument("--port", type=int, default=None, help="port (default: $PORT or 3000)")
    serve.set_defaults(run=_cmd_serve)

    socket = commands.add_parser(
        "socket", parents=[knowledge], help="run the Slack app in Socket Mode (no public URL)"
    )
    socket.set_defaults(run=_cmd_socket)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KnowledgeUnavailable as stop:
        return int(stop.code or EXIT_INVALID_KNOWLEDGE)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
