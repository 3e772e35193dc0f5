"""Start-up cache: a ready-built matcher, reused while no knowledge file has changed.

Parsing YAML, validating it and indexing it costs more than starting Python, and a command-line
question pays that on every run. The cache holds the result of a successful load (never of a
failed one, so a broken file is always reported) keyed by every input file's path, size and
modification time plus the code's own files; any change rebuilds it. A cache that cannot be read
or written is simply skipped.
"""

from __future__ import annotations

import os
import pickle
import time
import zlib
from collections.abc import Iterable, Sequence

import bot
from bot.core.matcher import Matcher
from bot.core.paths import expand_paths, shipped_knowledge_dir

_CORE_DIR = os.path.dirname(os.path.abspath(__file__))
#: A cached matcher not read or written for this long is deleted when another is written.
PRUNE_AFTER_SECONDS = 7 * 24 * 3600


def _stamps(files: Iterable[str]) -> list[str]:
    stamps = []
    for path in files:
        path = os.path.abspath(path)
        stat = os.stat(path)
        stamps.append(f"{path}|{stat.st_size}|{stat.st_mtime_ns}")
    return stamps


def _fingerprint(files: list[str], encoder: bool) -> str:
    code = sorted(
        os.path.join(_CORE_DIR, n)
        for n in os.listdir(_CORE_DIR)
        # the code, its word list (lexicon.yaml) and the encoder's thresholds (calibration.json)
        if n.endswith((".py", ".yaml", ".json"))
    )
    engine = "encoder" if encoder else "lexical"
    return "\n".join([bot.__version__, engine, *_stamps([*files, *code])])


def knowledge_stamp(extra: Sequence[str]) -> str:
    """Changes whenever a knowledge file is edited, added or removed: cheap enough to poll."""
    files, problems = expand_paths([shipped_knowledge_dir(), *extra])
    try:
        return "\n".join([*_stamps(files), *map(str, problems)])
    except OSError as error:  # a file vanished between listing and stat: changed by definition
        return f"unreadable: {error}"


def load_matcher(extra: Sequence[str], cache_dir: str = "", encoder: bool = True) -> Matcher:
    """A matcher over the shipped guide plus `extra`; raises KnowledgeError if invalid.

    With no `cache_dir` nothing is cached (the servers load once and keep the matcher). With
    `encoder`, the sentence encoder reads the example bank; the vectors of examples the package
    does not ship are kept in `cache_dir` by content, so an edit re-embeds only what changed.
    """
    files, problems = expand_paths([shipped_knowledge_dir(), *extra])
    key = None
    target = None
    if not problems and cache_dir:
        try:
            key = _fingerprint(files, encoder)
            target = os.path.join(cache_dir, f"matcher-{zlib.crc32(key.encode()):08x}.pickle")
            with open(target, "rb") as handle:
                cached_key, matcher = pickle.load(handle)
            if cached_key == key and isinstance(matcher, Matcher):
                return matcher
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
            pass
    from bot.core.loader import load_knowledge  # YAML parsing only when the cache misses

    vectors = None
    if encoder:
        from bot.core.bank import VectorStore
        from bot.core.encoder import shared_encoder

        vectors = VectorStore(shared_encoder(), cache_dir)
    matcher = Matcher(load_knowledge(list(extra)), vectors=vectors)
    if key is not None and target is not None:
        _store(target, key, matcher)
    return matcher


def _store(target: str, key: str, matcher: Matcher) -> None:
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        partial = f"{target}.{os.getpid()}.tmp"
        with open(partial, "wb") as handle:
            pickle.dump((key, matcher), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, target)
    except OSError:
        return
    _prune(os.path.dirname(target), keep=os.path.basename(target))


def _prune(folder: str, keep: str) -> None:
    """Delete cached matchers not read or written for a week: each upgrade and each set of
    knowledge files tried writes its own, and none would otherwise ever go away."""
    cutoff = time.time() - PRUNE_AFTER_SECONDS
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name == keep or not name.startswith("matcher-"):
            continue
        path = os.path.join(folder, name)
        try:
            stat = os.stat(path)
            if max(stat.st_mtime, stat.st_atime) < cutoff:
                os.unlink(path)
        except OSError:
            continue
