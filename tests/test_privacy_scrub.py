"""scrub: what it leaves can always be stored, and says nothing about who asked."""

from __future__ import annotations

import pytest

from bot.core.privacy import question_terms, scrub


@pytest.mark.parametrize(
    "hostile",
    [
        "\ud800",  # a lone high surrogate
        "\udfff",  # a lone low surrogate
        "\x00",  # NUL: PostgreSQL text cannot hold it
        "\x1b[31m",  # a terminal escape
        "\x85",  # C1 next line
        "\u202e",  # right-to-left override
        "\ufeff",  # byte-order mark
    ],
)
def test_scrub_leaves_text_any_database_can_store(hostile: str) -> None:
    cleaned = scrub(f"how do pilots{hostile} become tpms")
    cleaned.encode("utf-8")  # raises on a surrogate
    assert "\x00" not in cleaned and "\x1b" not in cleaned
    assert cleaned.startswith("how do pilots") and cleaned.endswith("become tpms")


def test_scrub_keeps_letters_of_every_script() -> None:
    assert scrub("क्या TPM 😀 café") == "क्या TPM 😀 café"


def test_terms_of_a_question_with_surrogates_can_be_stored() -> None:
    question_terms("salary\ud800 of a tpm\udc00").encode("utf-8")
