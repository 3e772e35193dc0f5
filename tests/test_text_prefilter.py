"""The rewrite patterns' cheap pre-check must never skip a text that a pattern would change."""

from __future__ import annotations

import random

from evaluation import DEV_SET_FILES, dev_cases

from bot.core import text as tx

SAMPLES = [
    "c-level exec",
    "c level",
    "C-suite",
    "in charge of the roadmap",
    "accountable for delivery",
    "the owner of it",
    "csuite",
    "mid-level tpm",
    "midlevel tpm",
    "mid senior",
    "t.p.m. role",
    "p.m role",
    "xx.tech pm",
    "day-to-day work",
    "day to day",
    "cross functional",
    "crossfunctional teams",
    "stock-options",
    "vice president",
    "productmanager",
    "product-manager",
    "technicalproductmanager",
    "tech pms",
    "get into tpm",
    "getinto tpm",
    "moving towards",
    "pivot to pm",
    "o'technical product manager",
]


def _texts() -> list[str]:
    texts = SAMPLES + [c.q for file in DEV_SET_FILES.values() for c in dev_cases(file)]
    rng = random.Random(3)
    pieces = [w for s in SAMPLES for w in tx.plain_words(s)] + ["x", "the", "a", "to", "in"]
    texts += [" ".join(rng.choices(pieces, k=rng.randint(1, 6))) for _ in range(3000)]
    return texts


def test_the_pre_check_never_skips_a_text_a_pattern_changes() -> None:
    for text in _texts():
        words = tx.plain_words(text)
        if tx._phrase_screen().search(" ".join(words)):
            assert tx._may_need_phrases(words), text


def test_the_one_search_screen_only_skips_texts_no_rewrite_changes() -> None:
    for text in _texts():
        joined = " ".join(tx.plain_words(text))
        rewritten = joined
        for pattern, replacement in tx._phrase_rules():
            rewritten = pattern.sub(replacement, rewritten)
        if not tx._phrase_screen().search(joined):
            assert rewritten == joined, text
