"""One settings model, read from the environment once and validated at start-up.

Every limit and path lives here; logic receives a ``Settings`` and never reads
``os.environ`` itself. Variables are prefixed ``MEDEXTRACT_`` (e.g.
``MEDEXTRACT_MAX_PAGES=20``).
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from medextract.errors import ConfigurationError, Reason


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEDEXTRACT_", frozen=True)

    tesseract_cmd: str = "tesseract"
    # The Python binding through which tesseract's library is called in this process
    # (the ocr module; Debian's python3-tesserocr); empty: run the executable for every
    # call instead (the same words, slower).
    tesseract_library: str = "tesserocr"
    tessdata_dir: Path | None = None
    poppler_path: Path | None = None
    ocr_timeout_seconds: float = Field(default=60.0, gt=0)
    # Tesseract's OpenMP threads per call (OMP_THREAD_LIMIT, set by the OCR adapter for
    # every call): more than one makes each call 2-4x slower on a machine with few cores.
    tesseract_threads: int = Field(default=1, ge=1)
    # The second reader (PP-OCRv6 through rapidocr): every value read by it too. Off, a
    # value rests on tesseract's readings alone (the README says what that costs).
    second_reader: bool = True
    # onnxruntime's threads per call of the second reader; unset, the code sets them: the
    # processors a document may use (one in each of a folder's worker processes). Two
    # read a line in 0.55 of one's time, the same scores (README, "Speed").
    second_reader_threads: int | None = Field(default=None, ge=1)
    # Each poppler call (page sizes, image list, one page's rendering); a normal page
    # takes well under a second, a hostile page tree or image is refused at this bound.
    render_timeout_seconds: float = Field(default=15.0, gt=0)
    max_pages: int = Field(default=20, ge=1)
    max_page_pixels: int = Field(default=40_000_000, ge=1_000_000)
    max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    # The resolution a page's declared size is checked at (a page over max_page_pixels
    # at this dpi is refused); pages are rendered at the size the reader works at.
    render_dpi: int = Field(default=200, ge=72, le=600)
    # Below this, a field is flagged for review (0-1).
    review_threshold: float = Field(default=0.80, ge=0, le=1)
    # The English word list the directions are checked against (Debian's wamerican).
    english_words: Path = Path("/usr/share/dict/american-english")

    @field_validator("tesseract_cmd")
    @classmethod
    def _tesseract_exists(cls, value: str) -> str:
        if shutil.which(value) is None:
            raise ValueError(f"tesseract executable not found: {value}")
        return value

    @field_validator("english_words")
    @classmethod
    def _word_list_exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"English word list not found (Debian package wamerican): {value}")
        return value

    def tesseract_args(self) -> list[str]:
        """Extra command-line arguments every tesseract call gets."""
        return ["--tessdata-dir", str(self.tessdata_dir)] if self.tessdata_dir else []


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated once (at cold start in Lambda)."""
    try:
        return Settings()
    except ValueError as exc:  # pydantic.ValidationError is a ValueError
        raise ConfigurationError(Reason.MISCONFIGURED, str(exc)) from exc
