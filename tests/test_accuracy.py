"""The matcher's contract: right section for in-domain questions, honest 'none' for the rest.

The question set in data/dev_questions.yaml was written independently of the knowledge base's
own example questions; it is split into a tuning half and a check half (see evaluation.py), and
each half must clear the floors. The blind, never-tuned set is held by test_frozen.py.

What one message must get (a section, a decline, a partial answer naming what is missing) is a
row of data/pins.yaml, checked by test_pinned_phrase; richer checks are functions here.
"""

from __future__ import annotations

import pytest
import yaml
from evaluation import DATA, dev_sets, score

from bot.core.replies import compose

#: Every development set, by kind of question, with the floor each half must clear. The first
#: set is ours; the later ones were written blind from the guide alone, in later sessions, and
#: their floors are where the matcher stood on them (so that no change makes them worse); they
#: are the nearest figures to how real questions fare.
_CASES = dev_sets()
DEV_SETS = {
    "dev": (
        _CASES["dev"],
        {
            "off_topic": 1.0,
            "unanswerable": 0.8,
            "two_part": 0.6,
            "follow_up": 0.5,
            "social": 1.0,
        },
    ),
    "dev 2": (
        _CASES["dev 2"],
        {
            "off_topic": 1.0,
            "unanswerable": 0.9,
            "two_part": 1.0,
            "follow_up": 0.8,
            "social": 1.0,
        },
    ),
    "dev 3": (
        _CASES["dev 3"],
        {
            "off_topic": 0.85,
            "unanswerable": 0.9,
            "two_part": 0.65,
            "follow_up": 0.6,
            "social": 0.8,
        },
    ),
    "dev 4": (
        _CASES["dev 4"],
        {
            "off_topic": 0.95,
            "unanswerable": 0.9,
            "two_part": 0.8,
            "follow_up": 0.75,
            "social": 0.8,
        },
    ),
    # Mostly questions the guide cannot fully answer, with a few answerable ones so that
    # declines do not spread.
    "dev 5": (
        _CASES["dev 5"],
        {"off_topic": 1.0, "unanswerable": 0.82},
    ),
    "dev 6": (
        _CASES["dev 6"],
        {
            "off_topic": 1.0,
            "unanswerable": 0.9,
            "two_part": 0.6,
            "follow_up": 0.65,
            "social": 0.8,
        },
    ),
    # Oblique questions whose intent must be inferred ("would I be the one deciding X?").
    "dev 7": (
        _CASES["dev 7"],
        {
            "off_topic": 1.0,
            "unanswerable": 0.9,
            "two_part": 0.9,
            "follow_up": 0.75,
            "social": 0.8,
        },
    ),
    # Everyday Slack phrasing. Set in session 8 where the shipped matcher stood on the lower
    # half, rounded down to 0.05: every kind 100% in both halves.
    "dev 8": (
        _CASES["dev 8"],
        {
            "off_topic": 1.0,
            "unanswerable": 1.0,
            "two_part": 1.0,
            "follow_up": 1.0,
            "social": 1.0,
        },
    ),
    # Half of it long posts with the question buried after the asker's story. Set the same way:
    # unanswerable 10/10 and 9/10, two-part 3/3 and 1/3, follow-up
    # 4/4 and 1/4; off-topic and social 100% in both halves.
    "dev 9": (
        _CASES["dev 9"],
        {
            "off_topic": 1.0,
            "unanswerable": 0.9,
            "two_part": 0.3,
            "follow_up": 0.25,
            "social": 1.0,
        },
    ),
}


@pytest.mark.parametrize("half", ["tuning", "check"])
@pytest.mark.parametrize(
    ("name", "kind"),
    [(name, kind) for name, (_, floors) in DEV_SETS.items() for kind in sorted(floors)],
)
def test_every_dev_set_clears_its_floors_in_both_halves(matcher, name, kind, half) -> None:
    cases, floors = DEV_SETS[name]
    result = score(matcher, [c for c in cases[kind] if c.half == half])
    assert result.rate >= floors[kind], (
        f"{name} {kind} {half}: {result.rate:.3f} < {floors[kind]}; misses:\n"
        + "\n".join(result.misses)
    )


@pytest.mark.parametrize("name", sorted(DEV_SETS))
def test_every_dev_set_is_broad_enough(kb, name) -> None:
    cases, _ = DEV_SETS[name]
    # Its in-domain questions are in the example bank now; what stays measures the rules.
    assert "in_domain" not in cases
    assert len(cases["unanswerable"]) >= 10
    assert len(cases["off_topic"]) >= 5


def test_every_kind_of_every_dev_set_has_a_floor() -> None:
    # A set or a kind that is loaded but has no floor could slip without a test noticing.
    assert {name: set(cases) for name, cases in _CASES.items()} == {
        name: set(floors) for name, (_, floors) in DEV_SETS.items()
    }


#: The one-phrase pins (data/pins.yaml): behaviour -> rows, each a message (with its history)
#: and what the matcher must decide on it.
PINS = yaml.safe_load((DATA / "pins.yaml").read_text("utf-8"))
PIN_KEYS = {"q", "history", "section", "status", "missing", "intent", "also"}


@pytest.mark.parametrize(
    "pin",
    [
        pytest.param(row, id=f"{behaviour}-{n}")
        for behaviour, rows in PINS.items()
        for n, row in enumerate(rows)
    ],
)
def test_pinned_phrase(matcher, pin) -> None:
    """A message gets the decision its row in data/pins.yaml pins: only the keys given count."""
    result = matcher.match(pin["q"], pin.get("history", ()))
    decided = {
        "section": result.section.id if result.section else None,
        "status": result.status,
        "intent": result.intent,
        "also": [s.id for s in result.also],
    }
    expected = {key: pin[key] for key in decided if key in pin}
    assert {key: decided[key] for key in expected} == expected, result.not_covered
    missing = pin.get("missing", [])
    for phrase in [missing] if isinstance(missing, str) else missing:
        assert phrase in result.not_covered
    if pin.get("status") == "partial":  # a partial answer is on the best candidate's section
        assert result.section is not None and result.section is result.candidates[0].section


def test_the_pins_are_well_formed(kb) -> None:
    """Each behaviour is named once (YAML would keep the last of two silently), each row asks
    something, and every section and history a row names is a real one."""
    root = yaml.compose((DATA / "pins.yaml").read_text("utf-8"))
    names = [key.value for key, _ in root.value]
    assert len(names) == len(set(names)) == len(PINS)
    ids = {s.id for s in kb.sections}
    for rows in PINS.values():
        for row in rows:
            assert set(row) <= PIN_KEYS and "q" in row and len(row) > 1, row
            named = [row.get("section"), *row.get("history", ()), *row.get("also", ())]
            assert set(named) - {None} <= ids, row


def test_one_word_role_alias_does_not_tie_every_question(lexical_matcher) -> None:
    # token_set_ratio would score 100 for any question containing "tpm"; the words' own score
    # must not (with the encoder, the blend compresses every margin).
    result = lexical_matcher.match("what does a tpm earn")
    assert result.section is not None and result.section.id == "salary-india"
    top = result.candidates[0].score
    assert all(c.score < top - 10 for c in result.candidates[1:])
    assert lexical_matcher.engine == "lexical"


def test_ambiguous_questions_offer_choices_instead_of_guessing(matcher) -> None:
    # "technical" alone: the skills to build, the technical roadmap, or the role itself.
    result = matcher.match("technical")
    assert result.status == "suggest"
    assert len(result.candidates) >= 2


def test_candidates_are_ranked_best_first_and_capped(matcher) -> None:
    result = matcher.match("what does a TPM do")
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert 1 <= len(scores) <= 5


@pytest.mark.parametrize(
    "question",
    [
        "how do I clear the TPM chip in BIOS?",
        "what is Trusted Platform Module 2.0?",
        "total productive maintenance TPM pillars",
    ],
)
def test_other_meanings_of_tpm_are_declined_saying_which_tpm_the_guide_is_about(
    matcher, question
) -> None:
    result = matcher.match(question)
    assert (result.status, result.section) == ("none", None)
    assert result.not_covered.startswith("other meanings of TPM")
    assert "Technical Product Manager" in result.not_covered
    reply = compose(result, matcher.kb)
    assert reply.options == ()  # no "nearest topics" of the role under the same letters


def test_hiring_lists_are_declined_saying_what_the_guide_lacks(matcher) -> None:
    result = matcher.match("which companies are hiring TPMs in Pune?")
    assert (result.status, result.section, result.not_covered) == ("none", None, "who is hiring")
    reply = compose(result, matcher.kb)
    assert reply.lead == "The guide doesn't cover who is hiring." and reply.options == ()


def test_a_plain_answer_has_nothing_missing_and_nothing_extra(matcher) -> None:
    result = matcher.match("what does a senior TPM do?")
    assert (result.status, result.not_covered, result.also) == ("answer", "", ())


def test_a_follow_up_without_history_stands_alone(matcher) -> None:
    assert matcher.match("what about senior?").status != "partial"
    alone = matcher.match("and for directors?")
    assert (alone.status, alone.section.id) == ("answer", "level-director-vp")


def test_matching_does_not_depend_on_the_word_list_being_reread(kb) -> None:
    from bot.core.matcher import Matcher, load_lexicon

    lexicon = load_lexicon()
    assert Matcher(kb, lexicon).match("TPM kaise bante hain").section.id == "how-to-become"


def test_word_list_points_only_at_real_sections(kb) -> None:
    from bot.core.matcher import load_lexicon

    lexicon = load_lexicon()
    pointed = {g["section"] for g in lexicon["gaps"] if g.get("section") not in (None, "none")}
    assert pointed <= {s.id for s in kb.sections}
    assert all(g.get("not_covered") for g in lexicon["gaps"])


def test_the_word_list_names_each_word_and_phrase_once() -> None:
    """YAML keeps the last of two equal keys without a word, so an entry added twice would
    silently replace the first."""
    import yaml

    from bot.core.matcher import LEXICON_PATH

    with open(LEXICON_PATH, encoding="utf-8") as handle:
        root = yaml.compose(handle)
    repeated = []
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if key.value in seen:
                    repeated.append(f"line {key.start_mark.line + 1}: {key.value}")
                seen.add(key.value)
                pending.append(value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    assert repeated == []


def test_a_question_asked_again_word_for_word_gets_the_same_decision_with_its_own_text(
    kb,
) -> None:
    import pickle

    from bot.core.matcher import Matcher

    fresh = Matcher(kb)
    first = fresh.match("<@U1> what does a tpm earn in india?")
    again = fresh.match("<@U2> what does a tpm earn in india?")
    assert again.query == "<@U2> what does a tpm earn in india?"
    assert again._replace(query=first.query) == first
    # The start-up cache stores the matcher without what it remembered, and still works.
    restored = pickle.loads(pickle.dumps(fresh))
    assert "_recent" not in pickle.loads(pickle.dumps(fresh)).__getstate__()
    assert restored.match("what does a tpm earn in india?").section.id == "salary-india"
    # After a follow-up the same words are read with their conversation, not from memory.
    assert fresh.match("and for directors?", ["salary-india"]).status == "partial"
    assert fresh.match("and for directors?").status != "partial"


def test_real_words_next_to_guide_words_are_not_repaired_into_them() -> None:
    from bot.core.spelling import SpellingCorrector

    speller = SpellingCorrector(["plan", "would", "expect", "average", "senior"], keep=["plain"])
    assert speller.correct("plain") == "plain"  # a real word, kept
    assert speller.correct("senoir") == "senior"  # a typo, repaired
    assert speller.correct("plainn") != "plain"  # kept words are never repair targets
    assert "plain" in speller


def test_the_shipped_word_list_keeps_common_words_that_sit_near_guide_words(matcher) -> None:
    cleaned = matcher._text.split_words("explain it in plain words, whereas the world expert says")
    repaired = [matcher._speller.correct(w) for w in cleaned]
    for word in ("plain", "whereas", "world", "expert"):
        assert word in repaired


def test_a_level_ruled_out_is_not_the_subject(matcher) -> None:
    result = matcher.match("at the non-senior tpm level do you own specific components?")
    assert result.section is not None and result.section.id != "level-senior"


STORY = (
    "Hi everyone, quick background: I have been working as an SDET at a mid-size product "
    "company in Pune for about four years now, mostly on test automation frameworks, CI "
    "pipelines and a bit of load testing, and before that I did two years of manual QA. "
    "I have been talking to a few product folks internally and I like the idea of owning "
    "a product and working with business people, but I am not sure where to begin. "
)


def test_a_question_after_a_long_story_is_the_part_read(matcher) -> None:
    question = "So my question is: how do I actually become a technical product manager from here?"
    result = matcher.match(STORY + question)
    assert (result.status, result.section.id) == ("answer", "how-to-become")


def test_a_question_at_the_end_of_a_very_long_paste_is_still_found(matcher) -> None:
    paste = STORY + "log line: build failed at step 12. " * 150
    result = matcher.match(paste + " anyway, what is the average TPM salary in India?")
    assert (result.status, result.section.id) == ("answer", "salary-india")


def test_comparing_pm_and_tpm_is_the_guides_own_comparison_whatever_else_is_named(
    matcher,
) -> None:
    result = matcher.match("pm vs tpm, which one suits a software engineer better?")
    assert result.section is not None and result.section.id == "pm-vs-tpm"
    assert "compares with" not in result.not_covered


def test_a_two_part_question_says_what_either_part_lacks(matcher) -> None:
    result = matcher.match("staff engineer vs senior TPM - who earns more in India?")
    assert result.status == "partial" and result.not_covered


def test_a_teams_own_section_answers_what_the_word_list_says_the_guide_lacks(tmp_path) -> None:
    from helpers import TEAM_FILE

    from bot.core.loader import load_knowledge
    from bot.core.matcher import Matcher

    team = tmp_path / "team.yaml"
    team.write_text(TEAM_FILE, encoding="utf-8")
    kb = load_knowledge([team])
    assert kb.added == {"team-oncall"}
    result = Matcher(kb).match("do TPMs have on-call duty?")
    assert (result.status, result.section and result.section.id) == ("answer", "team-oncall")
    # Without the team's file the guide has nothing on it, and says so.
    assert Matcher(load_knowledge()).match("do TPMs have on-call duty?").status == "none"


def test_what_experience_is_needed_is_answered_but_how_much_is_a_gap(matcher) -> None:
    what = matcher.match("what experience do I need to become a TPM?")
    # Both the PM-experience step and the overview of the steps answer it.
    assert what.status == "answer" and what.section is not None
    assert what.section.id in ("gain-pm-experience", "how-to-become")
    how_much = matcher.match("how much experience do I need to become a TPM?")
    assert how_much.status == "partial" and "years of experience" in how_much.not_covered


def test_a_role_the_guide_does_not_compare_is_named_with_its_article(matcher) -> None:
    engineering = matcher.match("what is the difference between TPM and engineering manager?")
    assert engineering.not_covered.startswith("how a TPM compares with an engineering manager")
    data = matcher.match("tpm vs data scientist")
    assert data.not_covered.startswith("how a TPM compares with a data scientist")


def test_a_real_word_next_to_a_filler_word_is_not_repaired_into_it(matcher) -> None:
    # "basis" is one edit from "basic", which the word list treats as chatter: repaired, the
    # question lost a word and became a confident answer about PMs
    result = matcher.match("who does a TPM talk to on a regular basis? only engineers?")
    assert (result.status, result.section and result.section.id) != ("answer", "pm-vs-tpm")
