"""Calibrate the encoder-on matcher, and embed the shipped bank (run whenever either changes).

    python tools/calibrate.py            # search, then write bot/core/calibration.json
    python tools/calibrate.py --vectors  # only re-embed the shipped bank (vectors.npz)

1. Embeds every sentence of the shipped knowledge base's bank (titles, aliases, questions and
   `examples:`) and writes them to bot/core/sentence_model/vectors.npz, so a fresh install
   answers its first question without embedding two thousand sentences.
2. Searches the blend weight and decision thresholds on the calibration questions: every kind
   in the development set kept out of the bank (dev 10), plus the kinds of the older development
   sets that never joined the bank (unanswerable, off-topic, two-part, follow-ups, greetings).
   The objective counts in-domain answers twice and every other kind once, by pass rate.

It never reads the frozen sets. Their figures are measured afterwards, never tuned on.
"""

from __future__ import annotations

import functools
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from evaluation import DEV_SET_FILES, blind_cases, by_kind, dev_cases, score  # noqa: E402

from bot.core.bank import VectorStore, bank_sentences, sentence_key, write_shipped  # noqa: E402
from bot.core.calibration import CALIBRATION_PATH, Calibration  # noqa: E402
from bot.core.encoder import SentenceEncoder  # noqa: E402
from bot.core.loader import load_knowledge  # noqa: E402
from bot.core.matcher import Matcher  # noqa: E402

WEIGHTS = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
ANSWERS = (45.0, 50.0, 55.0, 60.0, 65.0)
MARGINS = (0.5, 1.0, 2.0, 3.0)
SUGGEST_BELOW = (5.0, 10.0)


def embed_shipped() -> VectorStore:
    kb = load_knowledge()
    sentences, _ = bank_sentences(kb)
    encoder = SentenceEncoder(threads=2)
    store = VectorStore(encoder)
    started = time.perf_counter()
    vectors = store.vectors(sentences)
    write_shipped({sentence_key(s): v for s, v in zip(sentences, vectors, strict=True)})
    print(f"embedded {len(sentences)} sentences in {time.perf_counter() - started:.1f} s")
    return store


def calibration_cases() -> dict[str, list]:
    cases = by_kind(blind_cases("dev 10"))
    for file in DEV_SET_FILES.values():
        for kind, found in by_kind(dev_cases(file)).items():
            if kind != "in_domain":  # their in-domain questions are in the bank now
                cases.setdefault(kind, []).extend(found)
    return cases


def main() -> int:
    store = embed_shipped()
    if "--vectors" in sys.argv:
        return 0
    matcher = Matcher(load_knowledge(), vectors=store)
    # Every calibration sentence is encoded once, not once per setting tried.
    matcher._vector = functools.lru_cache(maxsize=None)(matcher._vector.__wrapped__)
    cases = calibration_cases()
    print("calibration questions:", {k: len(v) for k, v in cases.items()})
    best: tuple[float, Calibration, dict[str, float]] | None = None
    for weight, answer, margin, below in itertools.product(
        WEIGHTS, ANSWERS, MARGINS, SUGGEST_BELOW
    ):
        calibration = Calibration(weight, answer, margin, answer + 15, margin / 3, answer - below)
        matcher._calibration = calibration
        matcher._recent.cache_clear()
        rates = {kind: score(matcher, found).rate for kind, found in cases.items()}
        objective = sum(rates.values()) + rates["in_domain"]
        if best is None or objective > best[0] + 1e-9:
            best = (objective, calibration, rates)
            shown = {k: round(v, 3) for k, v in rates.items()}
            print(f"{objective:.4f}", calibration, shown, flush=True)
    assert best is not None
    Path(CALIBRATION_PATH).write_text(json.dumps(best[1]._asdict(), indent=2) + "\n", "utf-8")
    print("wrote", CALIBRATION_PATH)
    return 0


if __name__ == "__main__":
    sys.exit(main())
