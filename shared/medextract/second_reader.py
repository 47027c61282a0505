"""The second reader: PP-OCRv6 (through ``rapidocr``, run by ``onnxruntime``), a model
independent of tesseract's, whose weights ship inside the ``rapidocr`` wheel.

Tesseract cannot read handwriting, and every reading tesseract gives of a value (page,
enlarged crop, crop at its own size) comes from the same LSTM looking at the same
strokes, so they agree on its misreadings. PP-OCRv6 is another model, trained on other
data; it reads handwriting-style values that tesseract misses (README, "The second
reader"). It serves two ways:

- ``lines``: recognition only, on line crops whose boxes tesseract's page reading found
  (about 30 ms a line on one core): every value's independent second opinion.
- ``words``: detection and recognition on an image (the ``OcrEngine`` port), for finding
  values tesseract's layout dropped in a small region (text in grey boxes).

The model is loaded once per process, on first use or in the background
(``preload``); one onnxruntime thread per call whatever the caller's environment holds
(``second_reader_threads``); a call over its time limit is the document's
``OCR_TIMEOUT``, checked between batches of lines; a model that cannot be loaded is a
``ConfigurationError``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from medextract.errors import ConfigurationError, InputError, Reason
from medextract.ocr import Word
from medextract.settings import Settings

# Lines recognised per onnxruntime call (rapidocr's default batch).
BATCH = 6


@dataclass(frozen=True)
class LineRead:
    text: str
    confidence: float  # the model's score for the line, 0-1


class RapidReader:
    """PP-OCRv6 small through ``rapidocr``: lines and words with confidences."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._engine: Any = None
        self._lock = threading.Lock()
        # rapidocr keeps each call's options on the engine: one call at a time.
        self._calls = threading.Lock()
        self._loader: threading.Thread | None = None
        self._load_error: BaseException | None = None

    def preload(self) -> None:
        """Start loading the model in the background (a cold document's pages are
        decoded and read by tesseract meanwhile)."""
        with self._lock:
            if self._engine is not None or self._loader is not None:
                return
            self._loader = threading.Thread(target=self._load_quietly, daemon=True)
            self._loader.start()

    def _load_quietly(self) -> None:
        try:
            self._load()
        except BaseException as exc:  # handed to the caller by _ready
            self._load_error = exc

    def _load(self) -> Any:
        if self._engine is None:
            self._engine = _rapid_engine(self._settings.second_reader_threads)
        return self._engine

    def _ready(self) -> Any:
        loader = self._loader
        if loader is not None:
            loader.join()
        if self._load_error is not None:
            raise ConfigurationError(
                Reason.OCR_ENGINE_MISSING, "the second reader's model could not be loaded"
            ) from self._load_error
        with self._lock:
            try:
                return self._load()
            except (ImportError, OSError, RuntimeError) as exc:
                raise ConfigurationError(
                    Reason.OCR_ENGINE_MISSING, "the second reader's model could not be loaded"
                ) from exc

    def lines(self, crops: Sequence[np.ndarray]) -> list[LineRead]:
        """Each crop (one line of text, grey) recognised; at most ``ocr_timeout_seconds``
        for them all."""
        if not crops:
            return []
        engine = self._ready()
        deadline = time.monotonic() + self._settings.ocr_timeout_seconds
        out: list[LineRead] = []
        for start in range(0, len(crops), BATCH):
            if time.monotonic() > deadline:
                raise InputError(Reason.OCR_TIMEOUT, "the second reader ran past its time limit")
            batch = [_bgr(c) for c in crops[start : start + BATCH]]
            with self._calls:
                done = engine.recognize_txt(batch)
            out += [LineRead(str(t), float(s)) for t, s in zip(done.txts, done.scores, strict=True)]
        return out

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]:
        """The words of ``image`` (detected, then recognised), one line per detected
        box; ``psm`` is tesseract's and ignored."""
        engine = self._ready()
        with self._calls:
            done = engine(_bgr(image), use_det=True, use_cls=False, use_rec=True)
        if done.boxes is None or done.txts is None:
            return []
        found: list[Word] = []
        for line, (box, text, score) in enumerate(
            zip(done.boxes, done.txts, done.scores, strict=True), start=1
        ):
            found += _split_line(np.asarray(box), str(text), float(score), line)
        return found

    def version(self) -> str:
        from importlib.metadata import version

        return f"rapidocr {version('rapidocr')} (PP-OCRv6 small)"


def _split_line(box: np.ndarray, text: str, score: float, line: int) -> list[Word]:
    """A detected line as words: its box shared out among the words by their lengths
    (the recogniser gives one score per line, which each word takes)."""
    left, top = int(box[:, 0].min()), int(box[:, 1].min())
    right, bottom = int(box[:, 0].max()), int(box[:, 1].max())
    tokens = text.split()
    if not tokens:
        return []
    total = sum(len(t) for t in tokens) + len(tokens) - 1
    per_char = (right - left) / max(total, 1)
    words, x = [], float(left)
    for token in tokens:
        width = len(token) * per_char
        words.append(Word(token, score, int(x), top, max(1, int(width)), bottom - top, 1, 1, line))
        x += width + per_char
    return words


def _bgr(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


_ENGINES: dict[int, Any] = {}
_ENGINES_LOCK = threading.Lock()


def _rapid_engine(threads: int) -> Any:
    """One PP-OCRv6 engine per process (and thread setting): the recogniser loaded at
    once, the detector on first use."""
    with _ENGINES_LOCK:
        if threads not in _ENGINES:
            import logging

            from rapidocr import RapidOCR

            engine = RapidOCR(
                params={
                    "Global.log_level": "error",
                    "Global.use_cls": False,
                    "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                    "EngineConfig.onnxruntime.inter_op_num_threads": threads,
                }
            )
            # rapidocr logs each call at info level through its own logger; we log nothing
            # a page said.
            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
            engine._load_rec_model()
            _ENGINES[threads] = engine
        return _ENGINES[threads]
