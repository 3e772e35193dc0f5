"""Floors on the frozen blind question set (data/frozen_questions.yaml).

The set was written from the guide alone by someone who never saw the knowledge base, the
development questions or the code, and it is never tuned on: only these aggregate figures are
looked at. Issue 10 asks for in-domain top-1 >= 0.90, unanswerable declined or partial >= 0.85
and every off-topic question declined. The floors below are at least that; the other kinds are
held where the matcher stands, so that none can slip.
"""

from __future__ import annotations

import pytest
from evaluation import by_kind, frozen_cases, score

FROZEN = by_kind(frozen_cases())

#: kind -> (floor enforced now, the issue's target)
FLOORS = {
    # Reached 0.926 without tuning on this set (0.885 a session earlier, 0.861 before that):
    # the 0.90 floor, with its 0.92 target met.
    "in_domain": (0.90, 0.90),
    # Reached 0.929 without tuning on this set (0.905 a session earlier): the target.
    "unanswerable": (0.90, 0.85),
    "off_topic": (1.0, 1.0),
    # Not in the floors; held where they are so they cannot slip.
    "two_part": (0.83, 0.83),
    "follow_up": (0.85, 0.75),
    "social": (1.0, 1.0),
}


def test_frozen_set_has_every_kind_of_question() -> None:
    assert set(FROZEN) == set(FLOORS)
    assert sum(len(cases) for cases in FROZEN.values()) >= 150


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_frozen_questions_clear_their_floor(matcher, kind) -> None:
    floor, _target = FLOORS[kind]
    result = score(matcher, FROZEN[kind])
    assert result.rate >= floor, (
        f"frozen {kind}: {result.rate:.3f} < {floor}; misses:\n" + "\n".join(result.misses)
    )
