"""A second reading weighed against the recogniser's steps for its line (CTC's sum over
alignments), without the model: the steps are written out here."""

import numpy as np
import pytest
from medextract.second_reader import ALPHABET, LineRead, likelihood


def steps(*columns: dict[str, float]) -> np.ndarray:
    """One row a step: the blank (``""``) and the characters given, the rest of the
    mass on the blank."""
    rows = np.zeros((len(columns), len(ALPHABET) + 1), np.float32)
    for t, column in enumerate(columns):
        for char, p in column.items():
            rows[t, 0 if char == "" else ALPHABET.index(char) + 1] = p
        rows[t, 0] += 1.0 - rows[t].sum()
    return rows


# "cat" read, its "a" an "o" at a third of the odds: "cot" is the runner-up.
CAT = LineRead(
    "cat",
    0.8,
    steps({"c": 0.9}, {"": 1.0}, {"a": 0.7, "o": 0.25}, {"": 1.0}, {"t": 0.9}),
)


def test_the_greedy_reading_is_the_likeliest_and_a_lookalike_next():
    read, lookalike, other = (likelihood(CAT, t) for t in ("cat", "cot", "cut"))
    assert read == pytest.approx(np.log(0.9 * 0.7 * 0.9), abs=1e-4)
    assert read > lookalike > other
    assert lookalike == pytest.approx(read + np.log(0.25 / 0.7), abs=1e-4)


def test_a_doubled_letter_needs_a_blank_between_its_steps():
    line = LineRead("to", 0.9, steps({"t": 1.0}, {"o": 1.0}, {"o": 1.0}))
    assert likelihood(line, "to") == pytest.approx(0.0, abs=1e-6)
    assert likelihood(line, "too") < -20


def test_no_steps_or_a_character_the_model_lacks_weigh_nothing():
    assert likelihood(LineRead("cat", 0.8), "cat") is None
    assert likelihood(CAT, "cät") is None
