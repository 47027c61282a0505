"""Every bad input of the core's list: a reason code, nothing else, and no traceback.

Runs the real loaders (poppler, Pillow) and, for the blank page, real tesseract.
"""

import pytest
from medextract.cli import main
from medextract.errors import InputError, Reason
from medextract.extract import extract
from medextract.result import DocumentType
from medextract_dev.synth import bad_inputs

CASES = [
    Reason.EMPTY_FILE,
    Reason.UNSUPPORTED_FORMAT,
    Reason.CORRUPT_DOCUMENT,
    Reason.ENCRYPTED_PDF,
    Reason.TOO_MANY_PAGES,
    Reason.PAGE_TOO_LARGE,
    Reason.BLANK_PAGE,
]


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    return bad_inputs(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("reason", CASES, ids=lambda r: r.value)
def test_bad_input_raises_its_reason(bad, reason):
    path = bad[reason.value]
    with pytest.raises(InputError) as caught:
        extract(path.read_bytes(), path.name)
    assert caught.value.reason is reason


@pytest.mark.parametrize("reason", CASES, ids=lambda r: r.value)
def test_cli_prints_one_line_with_file_and_reason_and_exits_non_zero(bad, reason, capsys):
    path = bad[reason.value]
    status = main(["extract", str(path)])
    err = capsys.readouterr().err.strip()
    assert status == InputError.exit_code
    assert err.splitlines() == [err]
    assert str(path) in err and reason.value in err
    assert "Traceback" not in err


def test_readable_page_of_another_form_is_unknown_and_needs_review(bad):
    path = bad["UNKNOWN_FORM"]
    result = extract(path.read_bytes(), path.name)
    assert result.document_type is DocumentType.UNKNOWN
    assert result.needs_review
    assert result.fields == {}


def test_file_named_pdf_is_judged_by_its_bytes(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"PK\x03\x04 this is a zip archive")
    with pytest.raises(InputError) as caught:
        extract(path.read_bytes(), path.name)
    assert caught.value.reason is Reason.UNSUPPORTED_FORMAT


def test_phone_photo_stored_sideways_with_exif_orientation_is_read_upright(tmp_path):
    import io

    from medextract.documents import open_document
    from medextract.settings import get_settings
    from PIL import Image

    upright = Image.new("L", (200, 300), 255)
    sideways = upright.rotate(90, expand=True)  # stored 300 wide, 200 high
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    buffer = io.BytesIO()
    sideways.save(buffer, "JPEG", exif=exif.tobytes())
    page = next(open_document(buffer.getvalue(), get_settings()).pages())
    assert page.size == (200, 300)


# ---------------------------------------------------------------- PDFs, page by page
def _reason(data: bytes, settings=None) -> Reason:
    from medextract.documents import open_document
    from medextract.settings import Settings

    with pytest.raises(InputError) as caught:
        open_document(data, settings or Settings())
    return caught.value.reason


def test_every_pdf_page_is_checked_before_any_is_rendered():
    from medextract_dev.synth.bad import _pdf_huge_later_pages

    # Page 1 is a letter page; pages 2 and 3 declare 100 x 100 inches.
    assert _reason(_pdf_huge_later_pages()) is Reason.PAGE_TOO_LARGE


@pytest.mark.parametrize("pages", [1, 20])
def test_a_pdf_page_drawing_a_bomb_image_is_refused_from_the_image_list(pages):
    from medextract_dev.synth.bad import _pdf_bombs

    assert _reason(_pdf_bombs(pages)) is Reason.PAGE_TOO_LARGE


def test_a_pdf_page_is_rendered_in_grey_at_the_size_the_reader_works_at():
    from medextract.documents import READER_LONG_SIDE, open_document
    from medextract.settings import Settings
    from medextract_dev.synth.bad import _pdf_objects

    poster = _pdf_objects(  # 27 x 36 inches: 5400 x 7200 at 200 dpi, inside the limit
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1944 2592] >>",
        ]
    )
    page = open_document(poster, Settings()).page(1)
    assert page.mode == "L"
    assert abs(max(page.size) - READER_LONG_SIDE) <= 2


def test_a_pdf_encrypted_with_a_handler_poppler_lacks_is_encrypted_not_corrupt():
    from medextract_dev.synth.bad import _pdf_objects

    data = _pdf_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            b"<< /Filter /VendorLock /V 9 /R 9 /O (x) /U (y) /P -4 >>",
        ]
    ).replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Encrypt 4 0 R /ID [<01><01>] >>")
    assert _reason(data) is Reason.ENCRYPTED_PDF


def test_a_poppler_timeout_is_the_documents_render_timeout(tmp_path):
    from medextract.settings import Settings
    from medextract_dev.synth.bad import _many_pages

    for tool in ("pdfinfo", "pdftoppm", "pdfimages"):
        fake = tmp_path / tool
        fake.write_text("#!/bin/sh\nsleep 30\n")
        fake.chmod(0o755)
    settings = Settings(poppler_path=tmp_path, render_timeout_seconds=1)
    assert _reason(_many_pages(2), settings) is Reason.RENDER_TIMEOUT


def test_pages_are_read_one_at_a_time_never_all_held_at_once(monkeypatch):
    import gc
    import weakref

    import medextract.extract as pipeline
    from medextract_dev.synth.bad import _many_pages

    from tests.fakes import ReplayEngine, line_words

    alive_when_prepared = []
    seen: list[weakref.ref] = []
    real_prepare = pipeline.prepare

    def prepare(image):
        gc.collect()
        alive_when_prepared.append(sum(ref() is not None for ref in seen))
        seen.append(weakref.ref(image))
        return real_prepare(image)

    monkeypatch.setattr(pipeline, "prepare", prepare)
    engine = ReplayEngine(line_words("Page of the scan", 100))
    result = extract(_many_pages(4), "four.pdf", engine=engine, page_workers=1)
    assert result.source.page_count == 4
    assert alive_when_prepared == [0, 0, 0, 0]


def test_a_page_with_ink_that_reads_as_nothing_is_not_blank_but_unknown():
    import io

    from PIL import Image, ImageDraw

    from tests.fakes import ReplayEngine

    page = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(page)
    for y in range(300, 1800, 60):  # lines of handwriting tesseract cannot read
        draw.line((200, y, 1500, y + 400), fill=0, width=14)
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    result = extract(buffer.getvalue(), "turned.png", engine=ReplayEngine([]))
    assert result.document_type is DocumentType.UNKNOWN
    assert result.needs_review
