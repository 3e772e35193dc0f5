"""The encoder-on matcher's blend weight and decision thresholds, as tools/calibrate.py set them.

They are data, not constants chosen by hand: the calibration script searches them on the
development set that is kept out of the bank (tests/data/dev_questions_10.yaml) and writes
calibration.json beside this file. Re-run it whenever the bank or the model changes.
"""

from __future__ import annotations

import json
import os
from typing import NamedTuple

CALIBRATION_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "calibration.json")


class Calibration(NamedTuple):
    #: Share of the encoder's evidence in a section's score (the rest is the lexical score).
    encoder_weight: float
    #: A top score from which a question is answered, if it leads the runner-up by `margin`...
    answer: float
    margin: float
    #: ... or by `confident_margin` when it is at least `confident`.
    confident: float
    confident_margin: float
    #: Below `answer`, from this score the nearest sections are offered ("did you mean").
    suggest: float
    #: Encoder evidence (cosine, 0-1) from which a question counts as familiar wording: as close
    #: to a labelled example as the bank's examples are to each other. Words the guide never
    #: uses then no longer make it look off-topic.
    familiar: float = 1.01
    #: How much words the guide never uses count against a confident answer: each score is
    #: multiplied by (1 - unknown_penalty x their share of the question's weight). The encoder
    #: cannot tell that a question asks for something the guide lacks ("do TPMs get health
    #: insurance?" sits close to pay questions); those words can.
    unknown_penalty: float = 0.0


def load_calibration(path: str = CALIBRATION_PATH) -> Calibration:
    with open(path, encoding="utf-8") as handle:
        values = json.load(handle)
    fields = [name for name in Calibration._fields if name in values]
    return Calibration(**{name: float(values[name]) for name in fields})
