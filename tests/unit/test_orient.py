"""Which way up a page is read: decided once, by the letters and then by the readings."""

import io

import cv2
import numpy as np
import pytest
from medextract import orient
from medextract.ocr import Word
from medextract.preprocess import PreparedPage, prepare
from medextract_dev.synth import generate_document
from PIL import Image

from tests.fakes import OrientedEngine, ReplayEngine, line_words, marked_page


def confident_page_words() -> list[Word]:
    """A reading of an upright page: ten confident lines of words wider than tall."""
    return [w for i in range(10) for w in line_words("Patient Name Address", 100 + 60 * i)]


def page_of(binary: np.ndarray, rotation: int = 0) -> PreparedPage:
    return PreparedPage(binary=binary, grey=binary.copy(), rotation=rotation, skew=0.0, scale=1.0)


@pytest.fixture(scope="module")
def clean_page():
    doc = generate_document(5, 0, doc_type="prescription", fmt="png", degrade=False)
    return Image.open(io.BytesIO(doc.data)).convert("L")


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_a_page_turned_any_quarter_is_read_upright_and_read_once(clean_page, turns):
    turned = clean_page.rotate(-90 * turns, expand=True)  # clockwise
    engine = ReplayEngine(confident_page_words())
    read = orient.upright(prepare(turned), engine)
    # The axis from the ink's profile (preprocess), up from down from the letters.
    assert read.page.rotation == (-90 * turns) % 360
    assert read.page.binary.shape[0] > read.page.binary.shape[1]  # portrait again
    assert engine.calls == [3]  # a confident first reading: no other way up is read


@pytest.mark.parametrize("doc_type", ["prescription", "patient_details"])
def test_letters_rising_above_the_line_tell_up_from_down(doc_type):
    doc = generate_document(5, 1, doc_type=doc_type, fmt="png", degrade=False)
    page = prepare(Image.open(io.BytesIO(doc.data)).convert("L"))
    assert orient.upright_score(page.binary) > 0.2
    assert orient.upright_score(page.turned(2).binary) < orient.UPSIDE_DOWN


def test_a_poor_reading_is_read_again_turned_over_and_the_better_reading_kept():
    upside_down = page_of(np.rot90(marked_page(), 2).copy())
    engine = OrientedEngine(confident_page_words(), otherwise=line_words("l1 ,. ~", 100, conf=0.3))
    read = orient.upright(upside_down, engine)
    assert read.page.rotation == 180
    assert read.page.binary[0, 0] == 0  # the mark at the top left: the right way up
    assert read.words == confident_page_words()
    assert engine.calls == [3, 3]


def test_a_poor_reading_no_better_turned_over_is_kept_as_it_was():
    engine = OrientedEngine(line_words("Rx", 100, conf=0.5), otherwise=[])
    read = orient.upright(page_of(marked_page()), engine)
    assert read.page.rotation == 0
    assert [w.text for w in read.words] == ["Rx"]
    assert engine.calls == [3, 3]


def test_a_reading_of_tall_words_is_read_a_quarter_turned_each_way_and_the_better_kept():
    # The page as prepared is sideways: its mark comes to the top left a quarter turn
    # clockwise from here. Read as it is, its words are taller than wide.
    sideways = page_of(np.rot90(marked_page(), 1).copy())
    tall = [Word("Prednisone", 0.95, 100, 100 + 300 * i, 30, 200, 1, 1, i) for i in range(10)]
    engine = OrientedEngine(confident_page_words(), otherwise=tall)
    read = orient.upright(sideways, engine)
    assert read.page.rotation == 90
    assert read.page.binary[0, 0] == 0
    assert engine.calls == [3, 3, 3]  # as given, then a quarter turn each way


def test_the_reading_handed_on_has_its_dropped_points_put_back_from_the_grey_page():
    grey = np.full((2200, 1700), 235, np.uint8)
    cv2.putText(grey, "2.5", (100, 380), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 40, 4, cv2.LINE_AA)
    (width, height), _ = cv2.getTextSize("2.5", cv2.FONT_HERSHEY_SIMPLEX, 2.0, 4)
    dose = Word("25", 0.96, 100, 380 - height, width, height + 3, 1, 1, 1)
    page = PreparedPage(binary=np.full_like(grey, 255), grey=grey, rotation=0, skew=0.0, scale=1.0)
    read = orient.upright(page, ReplayEngine([*confident_page_words(), dose]))
    assert read.words[-1].text == "2.5"
