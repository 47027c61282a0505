"""Bytes to pages with Pillow only: what the first bytes say, pixel formats, warnings."""

import io
import warnings

import numpy as np
import pytest
from medextract.documents import open_document, sniff
from medextract.errors import InputError, Reason
from medextract.settings import Settings
from medextract_dev.synth.bad import _jpeg_bad_exif, _polyglot, _tiff_bad_ifd, _zip_of_pdfs
from PIL import Image, ImageDraw


def _text_page() -> Image.Image:
    page = Image.new("L", (400, 300), 255)
    draw = ImageDraw.Draw(page)
    for y in range(40, 260, 40):
        draw.rectangle((40, y, 360, y + 12), fill=0)  # lines of "text"
    return page


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def test_a_jpeg_with_a_pdf_appended_is_the_jpeg_a_viewer_shows():
    data = _polyglot()
    assert data.find(b"%PDF-") < 1024  # the hidden PDF's header is in the first kilobyte
    assert sniff(data) == "image/jpeg"


def test_a_zip_holding_pdfs_is_not_a_pdf():
    with pytest.raises(InputError) as caught:
        sniff(_zip_of_pdfs())
    assert caught.value.reason is Reason.UNSUPPORTED_FORMAT


def test_a_jpeg_whose_comment_says_pdf_is_a_jpeg():
    data = _encoded(_text_page(), "JPEG", comment=b"%PDF-1.7")
    assert sniff(data) == "image/jpeg"


def test_a_pdf_behind_a_line_of_text_junk_is_still_a_pdf():
    assert sniff(b"From scanner 7\r\n%PDF-1.4\n...") == "application/pdf"


def test_a_16_bit_grey_png_keeps_its_text():
    grey = np.maximum(np.asarray(_text_page()), 60)  # dark grey pencil, not pure black
    data = _encoded(Image.fromarray(grey.astype(np.uint16) * 257), "PNG")
    page = np.asarray(open_document(data, Settings()).page(1))
    assert page.dtype == np.uint8
    assert page.min() == 60 and page.max() == 255  # scaled to 8 bits, not clipped


def test_black_text_on_a_transparent_background_is_laid_on_white_paper():
    ink = 255 - np.asarray(_text_page())
    black = np.zeros_like(ink)
    data = _encoded(Image.fromarray(np.dstack([black, black, black, ink]), "RGBA"), "PNG")
    page = np.asarray(open_document(data, Settings()).page(1))
    assert page[0, 0] == 255  # the background is paper
    assert page[45, 100] < 10  # the text is ink


@pytest.mark.parametrize("build", [_tiff_bad_ifd, _jpeg_bad_exif], ids=["tiff", "jpeg"])
def test_decoder_warnings_are_kept_with_the_document_not_printed(build):
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        document = open_document(build(), Settings())
        document.page(1)
    assert [str(w.message) for w in escaped] == []
    assert document.warnings and all(w.startswith("UserWarning: ") for w in document.warnings)


def test_pages_are_decoded_only_when_asked_for():
    frames = [_text_page() for _ in range(3)]
    data = _encoded(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    document = open_document(data, Settings())
    assert document.page_count == 3
    assert [p.size for p in document.pages()] == [(400, 300)] * 3


def test_a_large_jpeg_is_decoded_at_the_readers_size_in_grey():
    big = _text_page().resize((7200, 5400))  # 38.9 Mpx: inside the limit
    page = open_document(_encoded(big, "JPEG"), Settings()).page(1)
    assert page.mode == "L"
    assert max(page.size) == 3600  # half scale: the smallest DCT scale at least 2200 wide
