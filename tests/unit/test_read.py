"""The one function every reading goes through: the reader's words, points put back."""

import cv2
import numpy as np
from medextract.ocr import Word
from medextract.points import RESTORED_CONFIDENCE
from medextract.read import read_words

from tests.fakes import ReplayEngine


def dose_page() -> tuple[np.ndarray, Word]:
    """A grey page showing "2.5", and the word a reader makes of it with the point lost."""
    page = np.full((120, 400), 235, np.uint8)
    font, scale, thickness = cv2.FONT_HERSHEY_SIMPLEX, 2.0, 4
    (width, height), _ = cv2.getTextSize("2.5", font, scale, thickness)
    cv2.putText(page, "2.5", (40, 80), font, scale, 40, thickness, cv2.LINE_AA)
    return page, Word("25", 0.96, 40, 80 - height, width, height + 3, 1, 1, 1)


def test_a_point_the_reader_dropped_is_put_back_from_the_image_read():
    page, word = dose_page()
    engine = ReplayEngine([word])
    (read,) = read_words(engine, page, psm=11)
    assert (read.text, read.conf) == ("2.5", RESTORED_CONFIDENCE)
    assert engine.calls == [11]


def test_points_are_looked_for_in_the_grey_page_not_the_image_read():
    page, word = dose_page()
    binary = np.full_like(page, 255)  # a binary image that lost the point and the digits
    assert read_words(ReplayEngine([word]), binary, grey=page)[0].text == "2.5"
    assert read_words(ReplayEngine([word]), page, grey=binary)[0].text == "25"


def test_words_without_a_point_are_handed_on_as_read_in_mode_3_by_default():
    page, _ = dose_page()
    words = [Word("Prednisone", 0.91, 10, 10, 200, 30, 1, 1, 1)]
    engine = ReplayEngine(words)
    assert read_words(engine, page) == words
    assert engine.calls == [3]
