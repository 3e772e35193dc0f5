"""Floors on the frozen blind question set (data/frozen_questions.yaml).

The set was written from the guide alone by someone who never saw the knowledge base, the
development questions or the code, and it is never tuned on: only these aggregate figures are
looked at. Issue 10 asks for in-domain top-1 >= 0.90, unanswerable declined or partial >= 0.85
and every off-topic question declined. Where a floor below is lower than that, it is the figure
the matcher honestly reaches today (marked BELOW TARGET), kept so that it cannot slip further.
"""

from __future__ import annotations

import pytest
from evaluation import by_kind, frozen_cases, score

FROZEN = by_kind(frozen_cases())

#: kind -> (floor enforced now, the issue's target)
FLOORS = {
    # BELOW TARGET: reached 0.885 without tuning on this set (0.861 a session earlier); the
    # issue asks for 0.90 (and 0.92 in its figures).
    "in_domain": (0.88, 0.90),
    # Reached 0.905 without tuning on this set (0.810 a session earlier): the 0.85
    # floor and its 0.90 target.
    "unanswerable": (0.90, 0.85),
    "off_topic": (1.0, 1.0),
    # Not in the floors; held where they are so they cannot slip.
    "two_part": (0.83, 0.83),
    "follow_up": (0.75, 0.75),
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
