"""Letters under a list's last line, or over its first, that no reading read
(medextract.unread)."""

import cv2
import numpy as np
from medextract.unread import unread_line_above, unread_line_below

from tests.fakes import line_words

HEIGHT = 30  # line_words' word height


def _page(*rows: tuple[str, int, int]) -> np.ndarray:
    """A white page (ink dark) with each (text, top, left) written in letters ~30 px tall."""
    page = np.full((600, 900), 255, np.uint8)
    for text, top, left in rows:
        cv2.putText(page, text, (left, top + HEIGHT), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 2)
    return page


LINES = [line_words("Prednisone 20 mg", 100, left=100), line_words("Lialda 2.4 g", 160, left=100)]


def test_a_line_no_reading_read_under_the_last_is_found():
    page = _page(
        ("Prednisone 20 mg", 100, 100), ("Lialda 2.4 g", 160, 100), ("Metformin 500", 220, 100)
    )
    assert unread_line_below(page, [w for line in LINES for w in line], LINES)


def test_nothing_unread_under_the_last_line_is_nothing_found():
    page = _page(("Prednisone 20 mg", 100, 100), ("Lialda 2.4 g", 160, 100))
    assert not unread_line_below(page, [w for line in LINES for w in line], LINES)


def test_a_line_some_reading_read_is_accounted_for():
    page = _page(
        ("Prednisone 20 mg", 100, 100), ("Lialda 2.4 g", 160, 100), ("Directions:", 220, 100)
    )
    label = line_words("Directions:", 220, left=100)
    label[0] = label[0].__class__("Directions:", 0.9, 95, 215, 260, 45, 1, 1, 220)
    assert not unread_line_below(page, [*label, *(w for line in LINES for w in line)], LINES)


def test_a_speck_or_a_rule_under_the_last_line_is_no_line():
    page = _page(("Prednisone 20 mg", 100, 100), ("Lialda 2.4 g", 160, 100))
    cv2.line(page, (100, 225), (600, 225), 0, 2)  # a rule
    cv2.circle(page, (300, 240), 3, 0, -1)  # a speck
    assert not unread_line_below(page, [w for line in LINES for w in line], LINES)


def test_a_first_line_no_reading_read_over_the_lines_read_is_found():
    page = _page(
        ("Metformin 500", 40, 100), ("Prednisone 20 mg", 100, 100), ("Lialda 2.4 g", 160, 100)
    )
    assert unread_line_above(page, [w for line in LINES for w in line], LINES)


def test_a_label_read_over_the_first_line_is_no_unread_line():
    page = _page(
        ("Directions:", 40, 100), ("Prednisone 20 mg", 100, 100), ("Lialda 2.4 g", 160, 100)
    )
    label = line_words("Directions:", 40, left=100)
    label[0] = label[0].__class__("Directions:", 0.9, 95, 35, 260, 45, 1, 1, 220)
    assert not unread_line_above(page, [*label, *(w for line in LINES for w in line)], LINES)


def _joined_word(page: np.ndarray, left: int, top: int, letters: int) -> None:
    """A word of a joined hand: one stroke of ``letters`` loops, a letter ~15 px wide."""
    xs = np.arange(left, left + 15 * letters)
    ys = top + HEIGHT // 2 + (HEIGHT // 2 - 2) * np.sin((xs - left) * 2 * np.pi / 15)
    cv2.polylines(page, [np.stack([xs, ys], axis=1).astype(np.int32)], False, 0, 2)


def test_a_joined_hands_line_of_few_wide_marks_under_the_last_line_is_found():
    page = _page(("Prednisone 20 mg", 100, 100), ("Lialda 2.4 g", 160, 100))
    _joined_word(page, 100, 220, 5)  # "until finished": three marks, no letter alone
    _joined_word(page, 200, 220, 4)
    _joined_word(page, 280, 220, 4)
    assert unread_line_below(page, [w for line in LINES for w in line], LINES)


def test_a_joined_hands_one_long_word_under_the_last_line_is_found():
    page = _page(("Prednisone 20 mg", 100, 100), ("Lialda 2.4 g", 160, 100))
    _joined_word(page, 100, 220, 18)  # "Hydrochlorothiazide": one mark, nine line heights
    assert unread_line_below(page, [w for line in LINES for w in line], LINES)


def test_a_blotch_as_wide_as_a_line_under_the_last_line_is_no_line():
    page = _page(("Prednisone 20 mg", 100, 100), ("Lialda 2.4 g", 160, 100))
    cv2.rectangle(page, (100, 220), (370, 250), 0, -1)  # a dark band: a fold's shadow
    assert not unread_line_below(page, [w for line in LINES for w in line], LINES)
