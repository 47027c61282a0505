"""Every bad input of the core's list: a reason code, nothing else, and no traceback.

Runs the real loaders (poppler, Pillow) and, for the blank page, real tesseract.
"""

import pytest
from medextract.cli import main
from medextract.errors import InputError, Reason
from medextract.extract import extract
from medextract.result import DocumentType
from medextract.synth import bad_inputs

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

    from medextract.documents import load
    from medextract.settings import get_settings
    from PIL import Image

    upright = Image.new("L", (200, 300), 255)
    sideways = upright.rotate(90, expand=True)  # stored 300 wide, 200 high
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    buffer = io.BytesIO()
    sideways.save(buffer, "JPEG", exif=exif.tobytes())
    page = load(buffer.getvalue(), get_settings()).pages[0]
    assert page.size == (200, 300)
