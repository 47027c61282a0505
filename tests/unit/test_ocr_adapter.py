"""The tesseract adapter turns every way tesseract can fail into our error tree: the
executable's, and the library's (through a stand-in for the tesserocr binding)."""

import numpy as np
import pytest
from medextract.errors import ConfigurationError, InputError, Reason
from medextract.ocr import TesseractCommand, TesseractLibrary
from medextract.settings import Settings

from tests import fake_tesserocr
from tests.fakes import fake_tesseract

PAGE = np.full((50, 50), 255, np.uint8)


def test_hanging_tesseract_times_out_as_the_documents_error_not_a_transient_one(tmp_path):
    # The same page takes as long again on a retry: retrying only ends in the DLQ.
    cmd = fake_tesseract(tmp_path, "sleep 30")
    engine = TesseractCommand(Settings(tesseract_cmd=cmd, ocr_timeout_seconds=0.5))
    with pytest.raises(InputError) as caught:
        engine.words(PAGE)
    assert caught.value.reason is Reason.OCR_TIMEOUT


def test_crashing_tesseract_is_a_configuration_error_without_its_stderr(tmp_path):
    cmd = fake_tesseract(tmp_path, "echo 'Mary Smith secret' >&2; exit 3")
    engine = TesseractCommand(Settings(tesseract_cmd=cmd))
    with pytest.raises(ConfigurationError) as caught:
        engine.words(PAGE)
    assert caught.value.reason is Reason.OCR_ENGINE_FAILED
    assert "Mary" not in str(caught.value)


def test_missing_tesseract_is_refused_at_start_up():
    with pytest.raises(ValueError):
        Settings(tesseract_cmd="/nonexistent/tesseract")


TSV_HEADER = "level page_num block_num par_num line_num word_num left top width height conf text"


def _tesseract_reporting_its_thread_limit(tmp_path):
    """A tesseract that logs OMP_THREAD_LIMIT on every call (--version included) and
    reads one word: the limit it was given."""
    log = tmp_path / "calls.log"
    script = tmp_path / "tesseract"
    header = TSV_HEADER.replace(" ", "\\t")
    script.write_text(
        "#!/bin/sh\n"
        f'echo "${{OMP_THREAD_LIMIT:-unset}}" >> {log}\n'
        'if [ "$1" = "--version" ]; then echo "tesseract 5.3.0"; exit 0; fi\n'
        "cat > /dev/null\n"
        f"printf '{header}\\n5\\t1\\t1\\t1\\t1\\t1\\t10\\t10\\t40\\t20\\t95.5\\t"
        'limit=%s\\n\' "${OMP_THREAD_LIMIT:-unset}"\n'
    )
    script.chmod(0o755)
    return str(script), log


@pytest.mark.parametrize("callers_limit", [None, "8"])
def test_every_tesseract_call_runs_with_the_thread_limit_setting(
    tmp_path, monkeypatch, callers_limit
):
    # Given a caller whose environment has no limit, or another one
    if callers_limit is None:
        monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    else:
        monkeypatch.setenv("OMP_THREAD_LIMIT", callers_limit)
    cmd, log = _tesseract_reporting_its_thread_limit(tmp_path)
    engine = TesseractCommand(Settings(tesseract_cmd=cmd))
    # When every kind of call is made
    words = engine.words(PAGE) + engine.words(PAGE, psm=11)
    engine.version()
    # Then each ran with the default of one thread
    assert [w.text for w in words] == ["limit=1", "limit=1"]
    assert log.read_text().split() == ["1", "1", "1"]


def test_the_thread_limit_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDEXTRACT_TESSERACT_THREADS", "2")
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    cmd, log = _tesseract_reporting_its_thread_limit(tmp_path)
    engine = TesseractCommand(Settings(tesseract_cmd=cmd))
    assert [w.text for w in engine.words(PAGE)] == ["limit=2"]
    assert log.read_text().split() == ["2"]


def test_tesseract_answering_nothing_is_a_configuration_error(tmp_path):
    cmd = fake_tesseract(tmp_path, "cat > /dev/null; exit 0")
    engine = TesseractCommand(Settings(tesseract_cmd=cmd))
    with pytest.raises(ConfigurationError) as caught:
        engine.words(PAGE)
    assert caught.value.reason is Reason.OCR_ENGINE_FAILED


def test_words_come_with_boxes_and_confidences_from_tesseracts_table(tmp_path):
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t50\t50\t-1\t",  # the page: no word
        "5\t1\t2\t1\t3\t1\t4\t5\t6\t7\t91.8\tRx",
        "5\t1\t2\t1\t3\t2\t14\t5\t6\t7\t95\t ",  # a blank word is dropped
    ]
    table = "\\n".join([TSV_HEADER.replace(" ", "\\t"), *rows])
    cmd = fake_tesseract(tmp_path, f"cat > /dev/null; printf '{table}\\n'")
    (word,) = TesseractCommand(Settings(tesseract_cmd=cmd)).words(PAGE)
    assert (word.text, word.conf) == ("Rx", 0.91)
    assert (word.left, word.top, word.width, word.height) == (4, 5, 6, 7)
    assert (word.block, word.par, word.line) == (2, 1, 3)


# The library's engine over a stand-in for tesserocr: every way a call fails, in our tree.
# Each test has its own tessdata path, so its own pool of handles.
def _library(tmp_path, monkeypatch, behaviour, timeout=60.0):
    monkeypatch.setattr(fake_tesserocr, "BEHAVIOUR", behaviour)
    settings = Settings(
        tesseract_library="tests.fake_tesserocr", tessdata_dir=tmp_path, ocr_timeout_seconds=timeout
    )
    return TesseractLibrary(settings)


def test_the_library_reads_words_with_their_boxes_and_lines(tmp_path, monkeypatch):
    (word,) = _library(tmp_path, monkeypatch, "read").words(PAGE)
    assert (word.text, word.conf, word.left, word.top, word.width, word.height) == (
        "Rx",
        0.91,
        4,
        5,
        6,
        7,
    )
    assert (word.block, word.par, word.line) == (2, 1, 3)


def test_a_library_call_past_its_deadline_is_the_documents_error(tmp_path, monkeypatch):
    engine = _library(tmp_path, monkeypatch, "hang", timeout=0.05)
    with pytest.raises(InputError) as caught:
        engine.words(PAGE)
    assert caught.value.reason is Reason.OCR_TIMEOUT


@pytest.mark.parametrize("behaviour", ["fail", "nothing"])
def test_a_library_call_that_fails_or_answers_nothing_is_a_configuration_error(
    tmp_path, monkeypatch, behaviour
):
    engine = _library(tmp_path, monkeypatch, behaviour)
    with pytest.raises(ConfigurationError) as caught:
        engine.words(PAGE)
    assert caught.value.reason is Reason.OCR_ENGINE_FAILED
    assert "Mary" not in str(caught.value)


def test_a_library_without_its_model_is_a_missing_engine(tmp_path, monkeypatch):
    engine = _library(tmp_path, monkeypatch, "no model")
    with pytest.raises(ConfigurationError) as caught:
        engine.words(PAGE)
    assert caught.value.reason is Reason.OCR_ENGINE_MISSING
    assert str(tmp_path) not in str(caught.value)


def test_a_handle_serves_the_next_call_after_a_failed_one(tmp_path, monkeypatch):
    engine = _library(tmp_path, monkeypatch, "fail")
    with pytest.raises(ConfigurationError):
        engine.words(PAGE)
    monkeypatch.setattr(fake_tesserocr, "BEHAVIOUR", "read")
    assert [w.text for w in engine.words(PAGE)] == ["Rx"]
