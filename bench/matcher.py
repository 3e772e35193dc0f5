"""Matcher benchmark: accuracy, rejection and latency against a BM25 baseline (run by hand).

    python bench/matcher.py            # shipped knowledge base and a 10,000-section one
    python bench/matcher.py --frozen   # ... and the frozen blind sets' aggregate figures
    python bench/matcher.py --kinds    # only the question kinds (no latency runs)
    python bench/matcher.py --large-bank  # a question's cost with the encoder at 10,000 sections
    python bench/matcher.py --engines  # lexical-only, encoder-only and combined on the blind
                                       # sets (dev 11; frozen 2, 3 with --frozen), with latency

The engines: "lexical" reads words alone (TPM_BOT_ENCODER=off); "encoder-only" ranks by the
nearest labelled examples alone (blend weight 1); "combined" is what ships, the calibrated blend.
All three keep the honesty layer (gaps, other meanings of TPM, greetings, follow-ups).

Prints, for tpm-bot's matcher and for bm25s on the same sections and questions: top-1 and top-3
accuracy on the development questions, off-topic rejection, median and p99 per-query latency, and
load/index time. BM25 has no notion of "not covered", so its rejection is measured at the score
threshold that still answers 95% of in-domain questions.

Then, for tpm-bot alone on the shipped guide: every kind of question in the two development sets
(tuning and check halves) and, only with --frozen, in the frozen blind set (aggregates only: never
tune on it; run it rarely, so that it stays a fresh measurement).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bot.core.bank import VectorStore
from bot.core.encoder import SentenceEncoder
from bot.core.loader import load_knowledge
from bot.core.matcher import Matcher
from bot.core.models import KnowledgeBase, Section

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from evaluation import (  # noqa: E402
    CALIBRATION_SET,
    Case,
    blind_cases,
    blind_figures,
    by_kind,
    dev_sets,
    frozen_cases,
    score,
)

DEV_SETS = dev_sets()
CASES = DEV_SETS["dev"]
#: In-domain questions neither engine was tuned on: the calibration set's (the older sets' are
#: in the example bank now).
CALIBRATION = by_kind(blind_cases(CALIBRATION_SET))
IN_DOMAIN = [(c.q, c.expect) for c in CALIBRATION["in_domain"]]
OFF_TOPIC: list[str] = [c.q for c in CASES["off_topic"] + CALIBRATION["off_topic"]]


def synthetic_kb(base: KnowledgeBase, total: int, seed: int = 7) -> KnowledgeBase:
    """The real sections plus generated ones with a large, realistic-sized vocabulary."""
    rng = random.Random(seed)
    syllables = [
        "ka",
        "lo",
        "mi",
        "ren",
        "tas",
        "vo",
        "pel",
        "dri",
        "sun",
        "gor",
        "ba",
        "xi",
        "qua",
    ]
    vocabulary = sorted(
        {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(30_000)}
    )
    sections = list(base.sections)
    for n in range(total - len(sections)):

        def phrase(k: int) -> str:
            return " ".join(rng.choices(vocabulary, k=k))

        sections.append(
            Section(
                id=f"synthetic-{n}",
                title=phrase(3).capitalize(),
                summary=phrase(20),
                body=phrase(60),
                aliases=tuple(phrase(2) for _ in range(5)),
                questions=tuple(f"how does {phrase(3)} work?" for _ in range(5)),
                related=(),
                source="synthetic",
            )
        )
    return KnowledgeBase(tuple(sections))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def encoder_matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb, vectors=VectorStore(SentenceEncoder()))


def bench_ours(kb: KnowledgeBase) -> dict[str, float]:
    start = time.perf_counter()
    matcher = encoder_matcher(kb)
    index_s = time.perf_counter() - start
    top1 = top3 = rejected = 0
    latencies: list[float] = []
    for question, expected in IN_DOMAIN:
        start = time.perf_counter()
        result = matcher.match(question)
        latencies.append(time.perf_counter() - start)
        top1 += result.section is not None and result.section.id == expected
        top3 += expected in [c.section.id for c in result.candidates[:3]]
    for question in OFF_TOPIC:
        start = time.perf_counter()
        result = matcher.match(question)
        latencies.append(time.perf_counter() - start)
        rejected += result.status == "none"
    row = _row(top1, top3, rejected, latencies, index_s)
    repeats: list[float] = []
    for question, _ in IN_DOMAIN:  # asked again word for word: the matcher remembers them
        start = time.perf_counter()
        matcher.match(question)
        repeats.append(time.perf_counter() - start)
    row["repeat median ms"] = statistics.median(repeats) * 1000
    return row


def bench_bm25(kb: KnowledgeBase) -> dict[str, float]:
    import bm25s

    texts = [" ".join([s.title, *s.aliases, *s.questions, s.summary, s.body]) for s in kb.sections]
    start = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    index_s = time.perf_counter() - start
    ids = [s.id for s in kb.sections]
    latencies: list[float] = []

    def search(question: str) -> tuple[list[str], float]:
        start = time.perf_counter()
        tokens = bm25s.tokenize([question], stopwords="en", show_progress=False)
        k = min(3, len(ids))
        try:
            docs, scores = retriever.retrieve(tokens, k=k, show_progress=False)
        except ValueError:  # every word was a stopword or unknown
            latencies.append(time.perf_counter() - start)
            return [], 0.0
        latencies.append(time.perf_counter() - start)
        return [ids[i] for i in docs[0]], float(scores[0][0])

    top1 = top3 = 0
    in_scores: list[float] = []
    for question, expected in IN_DOMAIN:
        found, score = search(question)
        top1 += bool(found) and found[0] == expected
        top3 += expected in found
        in_scores.append(score)
    threshold = percentile(in_scores, 0.05)
    rejected = sum(search(q)[1] < threshold for q in OFF_TOPIC)
    return _row(top1, top3, rejected, latencies, index_s)


def _row(
    top1: int, top3: int, rejected: int, latencies: list[float], index_s: float
) -> dict[str, float]:
    return {
        "top-1": top1 / len(IN_DOMAIN),
        "top-3": top3 / len(IN_DOMAIN),
        "off-topic rejected": rejected / len(OFF_TOPIC),
        "median ms": statistics.median(latencies) * 1000,
        "p99 ms": percentile(latencies, 0.99) * 1000,
        "load/index s": index_s,
    }


def report(title: str, kb: KnowledgeBase) -> None:
    ours, bm25 = bench_ours(kb), bench_bm25(kb)
    print(
        f"\n{title}: {len(kb.sections)} sections, {len(IN_DOMAIN)} in-domain and "
        f"{len(OFF_TOPIC)} off-topic questions"
    )
    print(f"{'':22}{'tpm-bot':>12}{'BM25':>12}")
    for key in ours:
        fmt = "{:>12.3f}" if key != "load/index s" else "{:>12.4f}"
        theirs = fmt.format(bm25[key]) if key in bm25 else f"{'-':>12}"
        print(f"{key:22}" + fmt.format(ours[key]) + theirs)


def report_kinds(kb: KnowledgeBase, frozen: bool = False) -> None:
    """Every kind of question: both development sets by half, and the frozen set if asked."""
    matcher = encoder_matcher(kb)
    columns: list[tuple[str, dict[str, list[Case]]]] = []
    for name, cases in DEV_SETS.items():
        for half in ("tuning", "check"):
            columns.append(
                (f"{name} {half}", {k: [c for c in v if c.half == half] for k, v in cases.items()})
            )
    if frozen:
        columns.append(("frozen", by_kind(frozen_cases())))
    print("\nQuestion kinds on the shipped guide (pass rate, passed/total)")
    print(f"{'':14}" + "".join(f"{title:>15}" for title, _ in columns))
    for kind in ("in_domain", "unanswerable", "off_topic", "two_part", "follow_up", "social"):
        cells = []
        for _title, grouped in columns:
            result = score(matcher, grouped.get(kind, []))
            cells.append(f"{result.rate:.3f} {result.passed:>3}/{result.total:<3}")
        print(f"{kind:14}" + "".join(f"{cell:>15}" for cell in cells))


def report_engines(kb: KnowledgeBase, frozen: bool = False) -> None:
    """The answer-engine figures on the blind sets, for each engine, and the cost of a question."""
    combined = encoder_matcher(kb)
    calibration = combined._calibration
    assert calibration is not None
    alone = encoder_matcher(kb)
    alone._calibration = calibration._replace(encoder_weight=1.0)
    engines = {"lexical": Matcher(kb), "encoder-only": alone, "combined": combined}
    names = [CALIBRATION_SET, "dev 12", *(["frozen 2", "frozen 3", "frozen 4"] if frozen else [])]
    for name in names:
        cases = blind_cases(name)
        print(f"\n{name}: {len(cases)} questions written blind (pass rate, passed/total)")
        figures = {engine: blind_figures(m, cases) for engine, m in engines.items()}
        print(f"{'':28}" + "".join(f"{engine:>16}" for engine in engines))
        for row in figures["combined"]:
            cells = [
                f"{f[row][0] / f[row][1]:.3f} {f[row][0]:>3}/{f[row][1]:<3}"
                for f in figures.values()
            ]
            print(f"{row:28}" + "".join(f"{cell:>16}" for cell in cells))
    questions = [c.q for c in blind_cases(CALIBRATION_SET)]
    for engine, matcher in engines.items():
        latencies = timed_fresh(matcher, questions)
        print(
            f"{engine:>14}: median {statistics.median(latencies) * 1000:.2f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.2f} ms a question (nothing remembered)"
        )


def timed_fresh(matcher: Matcher, questions: list[str]) -> list[float]:
    """Seconds per question, with nothing remembered from an earlier asking."""
    latencies = []
    for question in questions:
        matcher._recent.cache_clear()
        if hasattr(matcher, "_evidence"):
            matcher._evidence.cache_clear()
        start = time.perf_counter()
        matcher.match(question)
        latencies.append(time.perf_counter() - start)
    return latencies


class _RandomEncoder:
    """Stands in for the encoder while a synthetic bank is built: 10,000 sections' phrases are
    too many to embed for a benchmark, and the cost measured is the bank's, not the model's."""

    identity = "random"

    def encode(self, sentences: list[str]) -> Any:
        import numpy as np

        rng = np.random.default_rng(len(sentences))
        vectors = rng.standard_normal((len(sentences), 384)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def report_large_bank(kb: KnowledgeBase, size: int) -> None:
    """A question's cost with the encoder at `size` sections (real questions, real encoder)."""
    big = synthetic_kb(kb, size)
    start = time.perf_counter()
    matcher = Matcher(big, vectors=VectorStore(_RandomEncoder()))  # type: ignore[arg-type]
    build_s = time.perf_counter() - start
    matcher._encoder = SentenceEncoder()
    assert matcher._bank is not None
    latencies = timed_fresh(matcher, [q for q, _ in IN_DOMAIN[:200]])
    print(
        f"\nEncoder on, {len(big.sections)} sections, a bank of {len(matcher._bank.labels)} "
        f"examples (built in {build_s:.1f} s): median {statistics.median(latencies) * 1000:.2f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.2f} ms a question"
    )


def main() -> int:
    start = time.perf_counter()
    kb = load_knowledge()
    print(
        f"YAML load + validation of the shipped guide: {(time.perf_counter() - start) * 1000:.1f} ms"
    )
    args = sys.argv[1:]
    if "--engines" in args:
        report_engines(kb, frozen="--frozen" in args)
        return 0
    if "--large-bank" in args:
        report_large_bank(kb, 10_000)
        return 0
    if "--kinds" in args:
        report_kinds(kb, frozen="--frozen" in args)
        return 0
    report("Shipped knowledge base", kb)
    report_kinds(kb, frozen="--frozen" in args)
    sizes = [a for a in args if not a.startswith("--")]
    size = int(sizes[0]) if sizes else 10_000
    report("Synthetic knowledge base", synthetic_kb(kb, size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
