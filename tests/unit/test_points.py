"""The page shows a point that tesseract's text lacks: it is put back, and flagged."""

import cv2
import numpy as np
import pytest
from medextract.ocr import Word
from medextract.points import RESTORED_CONFIDENCE, restore_points


def printed(text: str) -> tuple[np.ndarray, Word]:
    """``text`` drawn on a grey page, and tesseract's word for it with its points lost."""
    page = np.full((120, 400), 235, np.uint8)
    font, scale, thickness = cv2.FONT_HERSHEY_SIMPLEX, 2.0, 4
    (width, height), _ = cv2.getTextSize(text, font, scale, thickness)
    left, baseline = 40, 80
    cv2.putText(page, text, (left, baseline), font, scale, 40, thickness, cv2.LINE_AA)
    word = Word(
        text[:-1].replace(".", "") + text[-1],
        0.96,
        left,
        baseline - height,
        width,
        height + 3,
        1,
        1,
        1,
    )
    return page, word


@pytest.mark.parametrize("text", ["2.5", "12.5", "M.D", "D.O", "M.D."])
def test_a_point_the_page_shows_is_put_back_and_the_word_made_unsure(text):
    page, word = printed(text)
    (restored,) = restore_points([word], page)
    assert restored.text == text
    assert restored.conf == RESTORED_CONFIDENCE


@pytest.mark.parametrize("text", ["25", "250", "MD", "DO", "MD."])
def test_a_word_without_a_point_is_left_as_read(text):
    page, word = printed(text)
    assert restore_points([word], page) == [word]


def test_only_numbers_and_short_capitals_are_looked_at():
    page, word = printed("2.5")
    lower = Word("ab", 0.96, word.left, word.top, word.width, word.height, 1, 1, 1)
    assert restore_points([lower], page) == [lower]
