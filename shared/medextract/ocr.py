"""The tesseract adapter: words with boxes and confidences, and nothing else.

Tesseract runs as one subprocess per call, in an environment this module builds (as
OCRmyPDF's ``_exec/tesseract.py`` does): ``OMP_THREAD_LIMIT`` is always the
``tesseract_threads`` setting, whatever the caller's environment holds, because
tesseract's OpenMP threads make every call 2-4x slower on a machine with few cores.
The page goes in on stdin as an uncompressed PGM and the words come back on stdout as
TSV; no temporary files. Every call has a timeout. Failures are turned into our error
tree: a missing binary is a ConfigurationError, a timeout an InputError (the page
takes as long again on a retry), a crash or
an empty answer a ConfigurationError naming tesseract's exit status (never its stderr,
which may echo document text).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import cv2
import numpy as np

from medextract.errors import ConfigurationError, InputError, Reason
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
        self._env = tesseract_environment(settings)

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]:
        ok, pgm = cv2.imencode(".pgm", image)
        if not ok:
            raise ConfigurationError(Reason.OCR_ENGINE_FAILED, "the page could not be encoded")
        args = ["stdin", "stdout", "--oem", "1", "--psm", str(psm)]
        args += [*self._settings.tesseract_args(), "tsv"]
        return _words_from_tsv(self._run(args, pgm.tobytes()))

    def _run(self, args: list[str], stdin: bytes) -> str:
        timeout = self._settings.ocr_timeout_seconds
        try:
            done = subprocess.run(
                [self._settings.tesseract_cmd, *args],
                input=stdin,
                capture_output=True,
                timeout=timeout,
                env=self._env,
                check=False,
            )
        except FileNotFoundError as exc:
            raise ConfigurationError(Reason.OCR_ENGINE_MISSING, "tesseract not found") from exc
        except subprocess.TimeoutExpired as exc:
            # The same page takes as long again on a retry: the document's, not transient.
            raise InputError(
                Reason.OCR_TIMEOUT, f"tesseract took longer than {timeout:g} s"
            ) from exc
        if done.returncode != 0 or not done.stdout:
            raise ConfigurationError(
                Reason.OCR_ENGINE_FAILED,
                f"tesseract exited with status {done.returncode}"
                + ("" if done.stdout else " and wrote nothing"),
            )
        return done.stdout.decode("utf-8", errors="replace")

    def version(self) -> str:
        return _tesseract_version(self._settings.tesseract_cmd, self._settings.tesseract_threads)


def tesseract_environment(settings: Settings) -> dict[str, str]:
    """The environment every tesseract call runs in: the process's, with the thread
    limit always set from the settings."""
    return _environment(settings.tesseract_threads)


def _environment(threads: int) -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": str(threads)}


@lru_cache(maxsize=4)
def _tesseract_version(cmd: str, threads: int) -> str:
    try:
        out = subprocess.run(
            [cmd, "--version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
            env=_environment(threads),
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise ConfigurationError(Reason.OCR_ENGINE_MISSING, "tesseract not found") from exc
    first = out.splitlines()[0] if out else "tesseract"
    return first.strip()


def _words_from_tsv(tsv: str) -> list[Word]:
    """The words (rows with text and a confidence) of tesseract's TSV output, whose
    columns are level, page, block, paragraph, line, word, left, top, width, height,
    confidence (0-100, truncated to an integer as before) and text."""
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12:
            continue
        _, _, block, par, line, _, left, top, width, height, conf, text = cells[:12]
        confidence = int(float(conf))
        if not text.strip() or confidence < 0:
            continue
        numbers = (int(v) for v in (left, top, width, height, block, par, line))
        words.append(Word(text.strip(), confidence / 100.0, *numbers))
    return words
