"""Measure each of the word list's gaps on and off (run by hand; never reads the frozen sets).

    python tools/ablate.py

For every entry under `gaps:` in bot/core/lexicon.yaml, builds the encoder-on matcher without
that entry and scores the calibration questions (tools/calibrate.py's: dev 10 and the older
development sets' kinds that are not in the bank). Prints, per entry, the change in passed
questions by kind when it is removed: a rule whose removal costs nothing earns no place.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))

from calibrate import calibration_cases  # noqa: E402
from evaluation import score  # noqa: E402

from bot.core.bank import VectorStore  # noqa: E402
from bot.core.encoder import SentenceEncoder  # noqa: E402
from bot.core.loader import load_knowledge  # noqa: E402
from bot.core.matcher import Matcher, load_lexicon  # noqa: E402


def passed(matcher: Matcher, cases: dict[str, list]) -> dict[str, int]:
    return {kind: score(matcher, found).passed for kind, found in cases.items()}


def main() -> int:
    kb = load_knowledge()
    store = VectorStore(SentenceEncoder())
    raw = load_lexicon()
    cases = calibration_cases()
    base = passed(Matcher(kb, raw, store), cases)
    print("with every gap:", base)
    for index, gap in enumerate(raw["gaps"]):
        without = copy.deepcopy(raw)
        del without["gaps"][index]
        got = passed(Matcher(kb, without, store), cases)
        change = {k: got[k] - base[k] for k in base if got[k] != base[k]}
        total = sum(change.values())
        print(f"{index:3} {total:+3} {change} {gap['not_covered'][:60]!r}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
