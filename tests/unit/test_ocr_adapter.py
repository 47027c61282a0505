"""The tesseract adapter turns every way tesseract can fail into our error tree."""

import numpy as np
import pytest
from medextract.errors import ConfigurationError, Reason, TransientError
from medextract.ocr import TesseractEngine
from medextract.settings import Settings

from tests.fakes import fake_tesseract

PAGE = np.full((50, 50), 255, np.uint8)


def test_hanging_tesseract_times_out_as_a_transient_error(tmp_path):
    cmd = fake_tesseract(tmp_path, "sleep 30")
    engine = TesseractEngine(Settings(tesseract_cmd=cmd, ocr_timeout_seconds=0.5))
    with pytest.raises(TransientError) as caught:
        engine.words(PAGE)
    assert caught.value.reason is Reason.OCR_TIMEOUT


def test_crashing_tesseract_is_a_configuration_error_without_its_stderr(tmp_path):
    cmd = fake_tesseract(tmp_path, "echo 'Mary Smith secret' >&2; exit 3")
    engine = TesseractEngine(Settings(tesseract_cmd=cmd))
    with pytest.raises(ConfigurationError) as caught:
        engine.words(PAGE)
    assert caught.value.reason is Reason.OCR_ENGINE_FAILED
    assert "Mary" not in str(caught.value)


def test_missing_tesseract_is_refused_at_start_up():
    with pytest.raises(ValueError):
        Settings(tesseract_cmd="/nonexistent/tesseract")
