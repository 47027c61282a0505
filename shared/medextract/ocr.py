"""The tesseract adapter: words with boxes and confidences, and nothing else.

Every call has a timeout. pytesseract's failures are turned into our error tree:
a missing binary is a ConfigurationError, a timeout a TransientError, a crash a
ConfigurationError naming tesseract's exit status (never its stderr, which may echo
document text).
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import cv2
import numpy as np
import pytesseract

from medextract.errors import ConfigurationError, Reason, TransientError
from medextract.settings import Settings


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # 0-1
    left: int
    top: int
    width: int
    height: int
    block: int
    par: int
    line: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def cx(self) -> float:
        return self.left + self.width / 2

    @property
    def cy(self) -> float:
        return self.top + self.height / 2


class OcrEngine(Protocol):
    """Anything that turns an image into words: tesseract, or a fake in tests."""

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]: ...

    def version(self) -> str: ...


class TesseractEngine:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        pytesseract.pytesseract.tesseract_cmd = settings.tesseract_cmd

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]:
        config = f"--oem 1 --psm {psm} {self._settings.tesseract_config()}".strip()
        # pytesseract would PNG-compress the image first (as long as the OCR itself on
        # a page); an uncompressed PGM file costs a few milliseconds.
        with tempfile.NamedTemporaryFile(suffix=".pgm") as handle:
            cv2.imwrite(handle.name, image)
            return self._words_from_file(handle.name, config)

    def _words_from_file(self, path: str, config: str) -> list[Word]:
        try:
            data = pytesseract.image_to_data(
                path,
                config=config,
                output_type=pytesseract.Output.DICT,
                timeout=self._settings.ocr_timeout_seconds,
            )
        except pytesseract.TesseractNotFoundError as exc:
            raise ConfigurationError(Reason.OCR_ENGINE_MISSING, "tesseract not found") from exc
        except pytesseract.TesseractError as exc:
            raise ConfigurationError(
                Reason.OCR_ENGINE_FAILED, f"tesseract exited with status {exc.status}"
            ) from exc
        except RuntimeError as exc:  # pytesseract's timeout: "Tesseract process timeout"
            raise TransientError(
                Reason.OCR_TIMEOUT,
                f"tesseract took longer than {self._settings.ocr_timeout_seconds:g} s",
            ) from exc
        return _words_from_dict(data)

    def version(self) -> str:
        return _tesseract_version(self._settings.tesseract_cmd)


@lru_cache(maxsize=4)
def _tesseract_version(cmd: str) -> str:
    try:
        out = subprocess.run(
            [cmd, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise ConfigurationError(Reason.OCR_ENGINE_MISSING, "tesseract not found") from exc
    first = out.splitlines()[0] if out else "tesseract"
    return first.strip()


def _words_from_dict(data: dict[str, list]) -> list[Word]:
    words = []
    for i, text in enumerate(data["text"]):
        text = str(text).strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        words.append(
            Word(
                text=text,
                conf=conf / 100.0,
                left=int(data["left"][i]),
                top=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
                block=int(data["block_num"][i]),
                par=int(data["par_num"][i]),
                line=int(data["line_num"][i]),
            )
        )
    return words
