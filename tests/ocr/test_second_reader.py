"""The second reader (PP-OCRv6 from the rapidocr wheel) reads lines as rapidocr itself
does, within its time limit, and its model's absence is a configuration error."""

import cv2
import numpy as np
import pytest
from medextract.errors import ConfigurationError, InputError, Reason
from medextract.second_reader import RapidReader
from medextract.settings import Settings
from PIL import Image, ImageDraw, ImageFont

pytestmark = pytest.mark.ocr

LINES = (
    "Amoxicillin 500 mg",
    "take 1 tablet twice daily for 5 days",
    "(502) 353-6131",
    "March 15 2007",
    "9852 Hillcrest Rd, Akron, 44375",
    "IMMUNE",
    "Levothyroxine 75 mcg",
)


def _line(text: str, size: int) -> np.ndarray:
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", size)
    _, _, right, bottom = font.getbbox(text)
    image = Image.new("L", (right + 2 * size, bottom + size), 255)
    ImageDraw.Draw(image).text((size, size // 2), text, font=font, fill=0)
    return np.asarray(image)


@pytest.fixture(scope="module")
def crops():
    return [_line(text, size) for text in LINES for size in (22, 40)]


def test_lines_read_as_rapidocr_reads_them(crops):
    from rapidocr import RapidOCR

    reference = RapidOCR(params={"Global.log_level": "error"}).recognize_txt(
        [cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) for c in crops]
    )
    ours = RapidReader(Settings()).lines(crops)
    assert [r.text for r in ours] == list(reference.txts)
    assert [r.confidence for r in ours] == pytest.approx(list(reference.scores), abs=1e-3)
    assert (
        sum(r.text == t for r, t in zip(ours, [t for t in LINES for _ in (1, 2)], strict=True))
        >= 12
    )


def test_two_threads_read_lines_as_one_does(crops):
    one = RapidReader(Settings(), 1).lines(crops)
    two = RapidReader(Settings(), 2).lines(crops)
    assert [(r.text, r.confidence) for r in two] == [(r.text, r.confidence) for r in one]
    assert all((a.steps == b.steps).all() for a, b in zip(one, two, strict=True))


def test_words_of_an_image_carry_boxes_inside_it(crops):
    image = np.vstack(
        [np.pad(c, ((10, 10), (0, 900 - c.shape[1])), constant_values=255) for c in crops[:4]]
    )
    words = RapidReader(Settings()).words(image)
    assert "Amoxicillin" in {w.text for w in words}
    height, width = image.shape
    assert all(0 <= w.left < width and 0 <= w.top < height for w in words)


def test_a_reading_past_its_time_limit_is_the_documents_timeout(crops):
    reader = RapidReader(Settings(ocr_timeout_seconds=1e-9))
    with pytest.raises(InputError) as caught:
        reader.lines(crops * 2)
    assert caught.value.reason is Reason.OCR_TIMEOUT


def test_a_model_that_cannot_load_is_a_configuration_error(monkeypatch, crops):
    import medextract.second_reader as second

    def missing(name):
        raise ImportError("rapidocr is not installed")

    monkeypatch.setattr(second, "_model", missing)
    monkeypatch.setattr(second, "_RECOGNISERS", {})
    reader = RapidReader(Settings())
    reader.preload()
    with pytest.raises(ConfigurationError):
        reader.lines(crops[:1])


def test_a_lines_steps_spell_its_own_reading_likelier_than_another_word(crops):
    from medextract.second_reader import likelihood

    line = RapidReader(Settings()).lines(crops[1:2])[0]  # "Amoxicillin 500 mg", large
    read = likelihood(line, line.text)
    assert read is not None and read > -2.0
    assert likelihood(line, line.text.replace("Amoxicillin", "Ampicillin")) < read - 6.0
