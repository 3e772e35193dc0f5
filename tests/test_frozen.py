"""Floors on the frozen blind question set (data/frozen_questions.yaml).

The set was written from the guide alone by someone who never saw the knowledge base, the
development questions or the code, and it is never tuned on: only these aggregate figures are
looked at, and a failure prints them alone, never the questions. Issue 10 asked for floors of
in-domain top-1 >= 0.90, unanswerable declined or partial >= 0.85 and every off-topic question
declined, with targets of 0.92, 0.90 and 1.0; every target is met and is now the floor. The
other kinds are held where the matcher stands, so that none can slip.
"""

from __future__ import annotations

import pytest
from evaluation import by_kind, frozen_cases, passes

FROZEN = by_kind(frozen_cases())

#: kind -> the rate the matcher must reach on it
FLOORS = {
    # Issue 10's target (its floor was 0.90). Reached 0.926 without tuning on this set (0.885 a
    # session earlier, 0.861 before that); 0.967 (118/122) with the encoder.
    "in_domain": 0.92,
    # Issue 10's target (its floor was 0.85). Reached 0.929 without tuning on this set (0.905 a
    # session earlier); 0.952 (40/42) with the encoder.
    "unanswerable": 0.90,
    "off_topic": 1.0,
    # Not in the floors; held where they are so they cannot slip.
    "two_part": 0.83,
    "follow_up": 0.85,
    "social": 1.0,
}


def test_frozen_set_has_every_kind_of_question() -> None:
    assert set(FROZEN) == set(FLOORS)
    assert sum(len(cases) for cases in FROZEN.values()) >= 150


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_frozen_questions_clear_their_floor(matcher, kind) -> None:
    # Counts only, and no local holding a question or a miss: pytest would print the misses of a
    # Score in its account of a failed comparison (and every local with --showlocals).
    floor = FLOORS[kind]
    passed = sum(passes(matcher, case)[0] for case in FROZEN[kind])
    total = len(FROZEN[kind])
    clears = passed / total >= floor
    assert clears, f"frozen {kind}: {passed / total:.3f} < {floor} ({passed}/{total})"
