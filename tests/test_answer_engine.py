"""The answer engine: labelled examples read by the sentence encoder, blended with the words.

Accuracy on whole question sets is held by the floors below (dev 11, the calibration set) and
measured by bench/matcher.py --engines; these tests pin what a maintainer relies on.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import weakref
from pathlib import Path

import numpy as np
import pytest
import yaml
from evaluation import (
    BLIND_SET_FILES,
    CALIBRATION_SET,
    DATA,
    HELD_OUT,
    blind_cases,
    blind_figures,
    frozen_cases,
)

from bot.core.bank import SHIPPED_VECTORS, VectorStore, bank_sentences, sentence_key
from bot.core.encoder import MAX_TOKENS, SentenceEncoder, _clip
from bot.core.loader import _claim_key, load_knowledge
from bot.core.matcher import Matcher
from bot.core.models import KnowledgeError
from bot.settings import load_settings

TEAM_SECTION = """
sections:
  - id: team-oncall
    title: Our on-call rota
    summary: Who carries the pager each week, and how to swap.
    body: The rota lives in the team calendar; swaps are agreed in #tpm-team.
    aliases: [on-call rota, pager duty]
    questions: ["when are TPMs on call?"]
    related: [responsibilities]
    source: Team handbook, on-call
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def problems_of(*paths: str) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(paths)
    return [str(p) for p in caught.value.problems]


# -- the bank as data --------------------------------------------------------------------------


def test_a_file_of_examples_alone_is_a_valid_knowledge_file(tmp_path) -> None:
    path = write(
        tmp_path, "more.yaml", 'examples:\n  salary-india:\n    - "paisa kitna hai TPM mein"\n'
    )
    kb = load_knowledge([path])
    assert ("salary-india", "paisa kitna hai TPM mein") in [tuple(e) for e in kb.examples]


def test_an_example_for_a_section_that_does_not_exist_is_reported_with_its_line(tmp_path) -> None:
    path = write(tmp_path, "typo.yaml", 'examples:\n  salary-indya:\n    - "TPM pay in Pune?"\n')
    assert problems_of(path) == [
        f"{path}:3: examples for unknown section 'salary-indya'; did you mean 'salary-india'?"
    ]


def test_the_same_example_under_two_sections_is_refused(tmp_path) -> None:
    path = write(
        tmp_path,
        "both.yaml",
        'examples:\n  levels:\n    - "what comes after senior?"\n'
        '  level-director-vp:\n    - "What comes after senior"\n',
    )
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:5: example 'What comes after senior' is under")
    assert "'levels'" in problem and "keep it under the section that answers it" in problem


def test_an_example_repeated_in_one_section_is_refused(tmp_path) -> None:
    path = write(
        tmp_path, "twice.yaml", 'examples:\n  levels:\n    - "tpm ladder?"\n    - "TPM ladder"\n'
    )
    assert problems_of(path) == [f"{path}:4: example 'TPM ladder' repeats {path}:3; keep one"]


def test_an_example_copying_another_sections_question_is_refused(tmp_path) -> None:
    kb = load_knowledge()
    question = kb["salary-india"].questions[0]
    path = write(tmp_path, "copy.yaml", f'examples:\n  levels:\n    - "{question}"\n')
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:3:") and "'salary-india'" in problem


def test_an_overlong_example_and_a_malformed_list_are_reported(tmp_path) -> None:
    long = "why " * 300
    path = write(
        tmp_path, "long.yaml", f'examples:\n  levels:\n    - "{long}"\n  salary-india: pay\n'
    )
    found = problems_of(path)
    assert any(p.startswith(f"{path}:3: example of 'levels' is 1199 characters") for p in found)
    assert any(p.startswith(f"{path}:4: examples of 'salary-india' must be a list") for p in found)


def test_no_frozen_or_calibration_question_sits_in_the_example_bank(kb) -> None:
    # The sections' own titles, aliases and questions predate the blind sets; a few of the
    # shortest ("pm vs tpm?") coincide with them, and are the knowledge base's, not examples.
    bank = {_claim_key(e.text) for e in kb.examples}
    held_out = [c.q for c in frozen_cases()]
    for name in HELD_OUT:
        held_out += [c.q for c in blind_cases(name)]
    leaked = sum(_claim_key(q) in bank for q in held_out)
    # A count, never the questions: the held-out sets are read in aggregate only.
    assert leaked == 0, f"{leaked} held-out questions are in the example bank"


def test_the_shipped_vectors_cover_every_sentence_of_the_shipped_bank(kb) -> None:
    # tools/calibrate.py --vectors writes them; a fresh install then embeds nothing.
    with np.load(SHIPPED_VECTORS) as shipped:
        keys = set(shipped["keys"].tolist())
    missing = [s for s in bank_sentences(kb)[0] if sentence_key(s) not in keys]
    assert missing == [], "run python tools/calibrate.py --vectors"


# -- the encoder ---------------------------------------------------------------------------------


def test_the_encoder_gives_unit_vectors_that_put_paraphrases_together() -> None:
    encoder = SentenceEncoder()
    pay, pay_hinglish, chip = encoder.encode(
        [
            "how much does a TPM earn?",
            "TPM ki salary kitni hoti hai",
            "how do I enable the TPM chip",
        ]
    )
    assert np.allclose([v @ v for v in (pay, pay_hinglish, chip)], 1.0, atol=1e-3)
    assert pay @ pay_hinglish > pay @ chip


def test_a_long_post_keeps_its_opening_and_its_closing_question() -> None:
    ids = list(range(1000))
    clipped = _clip(ids)
    assert len(clipped) == MAX_TOKENS
    assert clipped[0] == 0 and clipped[-1] == 999 and clipped[-2] == 998 and 1 in clipped


def test_team_examples_are_embedded_once_and_kept_by_content(tmp_path) -> None:
    team = write(
        tmp_path,
        "team.yaml",
        TEAM_SECTION + 'examples:\n  team-oncall:\n    - "whose turn is it to carry the pager"\n',
    )
    cache = tmp_path / "cache"
    first = VectorStore(SentenceEncoder(), str(cache))
    Matcher(load_knowledge([team]), vectors=first)
    assert first._changed and list(cache.glob("vectors-*.npz"))
    again = VectorStore(SentenceEncoder(), str(cache))
    Matcher(load_knowledge([team]), vectors=again)
    assert not again._changed  # nothing encoded the second time


def test_a_team_example_teaches_the_bot_a_wording_nobody_wrote_down(tmp_path) -> None:
    # What a maintainer does with a declined question: add it, as asked, under the right
    # section; the same question asked in other words is then answered too.
    question = "who's holding the beeper for our squad this sprint?"
    plain = write(tmp_path, "plain.yaml", TEAM_SECTION)
    taught = write(
        tmp_path,
        "taught.yaml",
        TEAM_SECTION
        + 'examples:\n  team-oncall:\n    - "who is holding the beeper for the squad this sprint"\n',
    )
    store = VectorStore(SentenceEncoder(), str(tmp_path / "cache"))
    before = Matcher(load_knowledge([plain]), vectors=store).match(question)
    after = Matcher(load_knowledge([taught]), vectors=store).match(question)
    assert after.status == "answer" and after.section is not None
    assert after.section.id == "team-oncall"
    assert (before.section.id if before.section else None, before.status) != (
        "team-oncall",
        "answer",
    )


# -- the engine, as users meet it ----------------------------------------------------------------


def test_the_shipped_matcher_reads_with_the_encoder_and_says_so(matcher, lexical_matcher) -> None:
    assert matcher.match("tpm salary?").engine == "encoder"
    assert lexical_matcher.match("tpm salary?").engine == "lexical"


def test_the_encoder_setting_is_on_by_default_and_off_when_asked() -> None:
    assert load_settings({}, dotenv=None).encoder is True
    assert load_settings({"TPM_BOT_ENCODER": "off"}, dotenv=None).encoder is False
    wrong = load_settings({"TPM_BOT_ENCODER": "maybe"}, dotenv=None)
    assert "TPM_BOT_ENCODER must be 'on' (the default) or 'off', not 'maybe'" in wrong.problems


def _ask_json(question: str, **env: str) -> dict[str, object]:
    environ = {**os.environ, **env}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", question],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_ask_json_names_the_engine_and_the_setting_turns_the_encoder_off() -> None:
    assert _ask_json("what does a senior TPM do?")["engine"] == "encoder"
    off = _ask_json("what does a senior TPM do?", TPM_BOT_ENCODER="off")
    assert off["engine"] == "lexical"
    assert off["section"] == {"id": "level-senior", "title": "Senior Technical Product Manager"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # Wordings from the answer-engine issue that the words alone got wrong.
        ("what does a TPM actually do though. genuinely. besides meetings", "responsibilities"),
        (
            "Data analyst for 5 years here, been eyeing TPM roles. What would it take to get there?",
            "how-to-become",
        ),
        (
            "drafting a JD for a TPM opening - what responsibilities should go in it?",
            "responsibilities",
        ),
    ],
)
def test_wording_nobody_tuned_for_gets_the_right_section(matcher, question, expected) -> None:
    result = matcher.match(question)
    assert result.section is not None and result.section.id == expected, result


@pytest.mark.parametrize(
    "question",
    [
        "car's TPMS light came on this morning, safe to drive to the office?",
        "what's our TPM limit on the OpenAI API?",
    ],
)
def test_other_meanings_of_tpm_stay_declined_with_the_encoder(matcher, question) -> None:
    assert matcher.match(question).status == "none"


#: Where the shipped engine stands on the calibration set (dev 11, never in the bank while it
#: serves), rounded down: no change may make it worse. It arrived at 0.954 in-domain, 1.000 top
#: 3, 1.000 off-topic and 0.914 unanswerable, before any tuning.
CALIBRATION_FLOORS = {
    "in-domain": 0.94,
    "in-domain top 3": 0.99,
    "off-topic declined": 0.96,
    "unanswerable not pretended": 0.91,
}


def test_the_calibration_set_clears_its_floors(matcher) -> None:
    figures = blind_figures(matcher, blind_cases(CALIBRATION_SET))
    rates = {name: passed / total for name, (passed, total) in figures.items()}
    low = {
        name: round(rates[name], 3)
        for name, floor in CALIBRATION_FLOORS.items()
        if rates[name] < floor
    }
    assert not low, f"below the floors {CALIBRATION_FLOORS}: {low}"
    # The calibration set before it (dev 10): its declines stay where they stood (1.000 both).
    retired = blind_figures(matcher, blind_cases("dev 10"))
    for name in ("off-topic declined", "unanswerable not pretended"):
        passed, total = retired[name]
        assert passed / total >= 0.97, f"dev 10 {name}: {passed}/{total}"
    assert rates["in-domain partial"] <= 0.12


# -- known defects of the answer-engine issue -------------------------------------------------------


@pytest.mark.parametrize("engine", ["matcher", "lexical_matcher"])
def test_a_place_is_a_name_whatever_its_case(request, engine) -> None:
    matcher = request.getfixturevalue(engine)
    upper, lower = matcher.match("TPM salary in Berlin?"), matcher.match("TPM salary in berlin?")
    assert (upper.status, upper.not_covered) == (lower.status, lower.not_covered)
    assert lower.status == "partial" and "Berlin" in lower.not_covered


@pytest.mark.parametrize("engine", ["matcher", "lexical_matcher"])
def test_is_it_safe_to_switch_is_not_the_safe_course(request, engine) -> None:
    result = request.getfixturevalue(engine).match("is it safe to switch from QA to TPM?")
    assert "course" not in result.not_covered
    assert result.section is not None and result.section.id == "how-to-become"


@pytest.mark.parametrize("engine", ["matcher", "lexical_matcher"])
def test_becoming_one_in_two_years_asks_how_long_not_for_a_prediction(request, engine) -> None:
    result = request.getfixturevalue(engine).match("can I become a TPM in 2 years?")
    assert (result.status, result.not_covered) == ("partial", "how long it takes")


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("TPM's role in incident postmortems?", "incidents, outages or postmortems"),
        ("who invented the TPM role?", "the history of the role"),
        ("what does a PM do", "the product manager's job on its own"),
        (
            "as a hiring manager, what should I look for when hiring a TPM?",
            "how to hire or assess a TPM",
        ),
    ],
)
@pytest.mark.parametrize("engine", ["matcher", "lexical_matcher"])
def test_what_the_guide_lacks_is_never_answered_confidently(
    request, engine, question, missing
) -> None:
    result = request.getfixturevalue(engine).match(question)
    assert result.status == "partial" and result.not_covered.startswith(missing)


def test_a_teams_own_section_wins_over_the_built_in_gaps(tmp_path) -> None:
    team = write(tmp_path, "team.yaml", TEAM_SECTION)
    kb = load_knowledge([team])
    for matcher in (Matcher(kb), Matcher(kb, vectors=VectorStore(SentenceEncoder()))):
        result = matcher.match("who is on call this week?")
        assert (result.status, result.section and result.section.id) == ("answer", "team-oncall")


def test_a_replaced_matcher_is_freed(kb) -> None:
    # Every reload builds a new matcher; the old one must not be kept alive by its own caches.
    matcher = Matcher(kb, vectors=VectorStore(SentenceEncoder()))
    matcher.match("what does a senior TPM do?")
    gone = weakref.ref(matcher)
    del matcher
    gc.collect()
    assert gone() is None


def test_the_blind_sets_are_well_formed() -> None:
    for name, file in BLIND_SET_FILES.items():
        data = yaml.safe_load((DATA / file).read_text("utf-8"))
        kinds = {item["kind"] for item in data["questions"]}
        if name in HELD_OUT:
            assert kinds == {"in_domain", "unanswerable", "off_topic"}, name
            assert len(data["questions"]) >= 150
        else:  # its in-domain questions joined the bank
            assert kinds == {"unanswerable", "off_topic"}, name
    assert len(blind_cases("frozen 3")) + len(blind_cases(CALIBRATION_SET)) >= 300


def test_a_large_bank_finds_the_same_nearest_section_through_its_section_means() -> None:
    from bot.core.bank import LARGE_BANK, ExampleBank

    rng = np.random.default_rng(7)
    sections = 5_000
    count = LARGE_BANK + 5_000
    vectors = rng.standard_normal((count, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = rng.integers(0, sections, count)
    bank = ExampleBank(vectors, labels.tolist(), sections)
    assert bank._centroids is not None  # the two-step search is in use
    for row in (0, 1234, count - 1):
        found = bank.evidence(vectors[row])
        assert found.sections[0][0] == labels[row] and found.nearest > 0.99
