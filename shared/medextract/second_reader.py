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
(``preload``); onnxruntime's threads per call are the processors the document may use
(one in a folder's worker processes), whatever the caller's environment holds
(``second_reader_threads`` sets them); a call over its time limit is the document's
``OCR_TIMEOUT``, checked between batches of lines; a model that cannot be loaded is a
``ConfigurationError``.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from medextract.errors import ConfigurationError, InputError, Reason
from medextract.ocr import Word
from medextract.settings import Settings

# Lines recognised per onnxruntime call (rapidocr's default batch). A line's scores
# depend on the padding its batch gives it: 4 costs 7 % less but moves scores by 0.02.
BATCH = 6


@dataclass(frozen=True)
class LineRead:
    text: str
    confidence: float  # the model's score for the line, 0-1
    # The model's probabilities at each step of the line for the blank and each ASCII
    # character it carries (``Recogniser.ALPHABET``): what ``likelihood`` weighs another
    # reading of the same line with. None: not kept (a reading replayed by a fake).
    steps: np.ndarray | None = field(default=None, repr=False, compare=False)

    @cached_property
    def logs(self) -> np.ndarray | None:
        """The steps' natural logs, taken once for every reading weighed against them."""
        return None if self.steps is None else np.log(np.maximum(self.steps, 1e-30))


def likelihood(line: LineRead, text: str) -> float | None:
    """The natural log of the probability that the model's steps spell ``text`` (CTC's
    forward sum over every alignment: blanks between and around the characters, a
    character held over several steps); None when the steps were not kept or ``text``
    holds a character the model does not carry. Two readings of one line compare by it:
    the greedy reading is the likeliest single path, not always the likeliest text."""
    logs = line.logs
    if logs is None or any(c not in _COLUMN for c in text):
        return None
    labels = [0]
    for c in text:
        labels += [_COLUMN[c], 0]
    size = len(labels)
    # A state may skip the blank before it when it is a character unlike the one before.
    skip = np.array([s >= 2 and labels[s] != 0 and labels[s] != labels[s - 2] for s in range(size)])
    alpha = np.full(size, -np.inf)
    alpha[0] = logs[0, 0]
    if size > 1:
        alpha[1] = logs[0, labels[1]]
    columns = np.array(labels)
    for t in range(1, len(logs)):
        stay = alpha
        step = np.concatenate(([-np.inf], alpha[:-1]))
        jump = np.where(skip, np.concatenate(([-np.inf, -np.inf], alpha[:-2])), -np.inf)
        alpha = np.logaddexp(np.logaddexp(stay, step), jump) + logs[t, columns]
    end = alpha[-1] if size == 1 else np.logaddexp(alpha[-1], alpha[-2])
    return float(end)


# The characters whose steps a reading keeps: the printable ASCII a form holds.
ALPHABET = "".join(chr(c) for c in range(32, 127))
_COLUMN = {c: i + 1 for i, c in enumerate(ALPHABET)}  # column 0: the blank


class RapidReader:
    """PP-OCRv6 small through ``rapidocr``: lines and words with confidences."""

    def __init__(self, settings: Settings, threads: int | None = None) -> None:
        """``threads``: onnxruntime's threads per call, the processors the document may
        use (``second_reader_threads`` when set, else ``threads``, else one)."""
        self._settings = settings
        self._threads = settings.second_reader_threads or threads or 1

    @property
    def threads(self) -> int:
        return self._threads

    def preload(self) -> None:
        """Start loading the model in the background, once per process (a cold
        document's pages are decoded and read by tesseract meanwhile)."""
        threads = self._threads
        with _LOCK:
            if threads in _RECOGNISERS or threads in _LOADERS:
                return
            loader = threading.Thread(target=_load_quietly, args=(threads,), daemon=True)
            _LOADERS[threads] = loader
            loader.start()

    def _ready(self) -> Recogniser:
        """The model, once the background load (if any) is over; a model that cannot
        be loaded is a ``ConfigurationError`` (loading again raises what it raised)."""
        threads = self._threads
        loader = _LOADERS.get(threads)
        if loader is not None:
            loader.join()
        try:
            return _recogniser(threads)
        except (ImportError, OSError, RuntimeError) as exc:
            raise ConfigurationError(
                Reason.OCR_ENGINE_MISSING, "the second reader's model could not be loaded"
            ) from exc

    def lines(self, crops: Sequence[np.ndarray]) -> list[LineRead]:
        """Each crop (one line of text, grey) recognised; at most ``ocr_timeout_seconds``
        for them all."""
        if not crops:
            return []
        recogniser = self._ready()
        deadline = time.monotonic() + self._settings.ocr_timeout_seconds
        # Lines of like widths share a batch (each is padded to its batch's widest).
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        read: dict[int, LineRead] = {}
        for start in range(0, len(order), BATCH):
            if time.monotonic() > deadline:
                raise InputError(Reason.OCR_TIMEOUT, "the second reader ran past its time limit")
            batch = order[start : start + BATCH]
            for i, line in zip(batch, recogniser([crops[i] for i in batch]), strict=True):
                read[i] = line
        return [read[i] for i in range(len(crops))]

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]:
        """The words of ``image`` (detected, then recognised), one line per detected
        box; ``psm`` is tesseract's and ignored."""
        self._ready()
        try:
            engine = _detecting_engine(self._threads)
        except (ImportError, OSError, RuntimeError) as exc:
            raise ConfigurationError(
                Reason.OCR_ENGINE_MISSING, "the second reader's detector could not be loaded"
            ) from exc
        with _DETECTING_LOCK:
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


# A label's colon with its value read against it ("Date:23/09/2021"): two words, as
# tesseract reads them; a time's colon ("8:00") follows a digit.
_LABEL_GLUED = re.compile(r"(?<=[A-Za-z]:)(?=\S)")


def _split_line(box: np.ndarray, text: str, score: float, line: int) -> list[Word]:
    """A detected line as words: its box shared out among the words by their lengths
    (the recogniser gives one score per line, which each word takes); a value read
    against its label's colon is a word of its own."""
    left, top = int(box[:, 0].min()), int(box[:, 1].min())
    right, bottom = int(box[:, 0].max()), int(box[:, 1].max())
    tokens = _LABEL_GLUED.sub(" ", text).split()
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


class Recogniser:
    """PP-OCRv6's recogniser, the model file from the ``rapidocr`` wheel, run by
    onnxruntime as rapidocr runs it (``TextRecognizer``: each line resized to 48 px
    high, scaled to [-1, 1], padded to its batch's widest; CTC decoding over the
    characters the model carries). rapidocr's own entry point costs 0.85 s of imports
    before its first line (it parses its model registry, a YAML file, at import): a
    cold document's whole reading by tesseract. A test holds this to rapidocr's
    readings, text and score, on the same crops."""

    HEIGHT = 48
    MIN_RATIO = 320 / 48  # rapidocr's rec_img_shape (3, 48, 320)

    def __init__(self, model: Path, threads: int) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = threads
        # onnxruntime's memory arena keeps its buffers from call to call: 12 % less
        # time a line than allocating them each call.
        options.enable_cpu_mem_arena = True
        options.log_severity_level = 3
        # Threads that wait for work sleep instead of spinning: a spinning thread takes
        # the processor tesseract's reading or another worker needs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        meta = self._session.get_modelmeta().custom_metadata_map
        self._characters = ["", *meta["character"].splitlines(), " "]
        self._input = self._session.get_inputs()[0].name
        where = {c: i for i, c in enumerate(self._characters) if c}
        # The blank, then each character of ``ALPHABET`` (one the model lacks: never).
        self._kept = np.array([0, *(where.get(c, 0) for c in ALPHABET)])
        self._lacks = np.array([False, *(c not in where for c in ALPHABET)])

    def __call__(self, crops: Sequence[np.ndarray]) -> list[LineRead]:
        ratio = max(self.MIN_RATIO, *(c.shape[1] / c.shape[0] for c in crops))
        width = int(self.HEIGHT * ratio)
        batch = np.zeros((len(crops), 3, self.HEIGHT, width), np.float32)
        for i, crop in enumerate(crops):
            h, w = crop.shape[:2]
            resized = min(width, math.ceil(self.HEIGHT * w / h))
            line = cv2.resize(_bgr(crop), (resized, self.HEIGHT)).astype(np.float32)
            batch[i, :, :, :resized] = line.transpose(2, 0, 1) / 255 * 2 - 1
        scores = self._session.run(None, {self._input: batch})[0]
        out = []
        for one in scores:
            # Every step, the batch's padding's too: a character at the crop's right end is
            # given at a step past it.
            kept = one[:, self._kept].astype(np.float32)
            kept[:, self._lacks] = 0.0
            out.append(replace(self._decode(one), steps=kept))
        return out

    def _decode(self, scores: np.ndarray) -> LineRead:
        """Greedy CTC: the best class per step, repeats merged, blanks dropped; the
        score is the mean of the kept steps' probabilities."""
        best, probability = scores.argmax(axis=1), scores.max(axis=1)
        keep = np.ones(len(best), dtype=bool)
        keep[1:] = best[1:] != best[:-1]
        keep &= best != 0
        text = "".join(self._characters[i] for i in best[keep])
        kept = probability[keep]
        return LineRead(text, round(float(kept.mean()), 5) if kept.size else 0.0)


# The model loading in the background, one thread per thread setting and process:
# waited for at exit. A process that ends (a document refused while its model loads) with
# onnxruntime mid-load is aborted by the C++ runtime ("terminate called without an
# active exception", status -6) instead of exiting with ours.
_LOADERS: dict[int, threading.Thread] = {}


@atexit.register
def _wait_for_loaders() -> None:
    for loader in list(_LOADERS.values()):
        loader.join()


def _load_quietly(threads: int) -> None:
    """Load in the background; a failure is raised again to the caller by ``_ready``."""
    with contextlib.suppress(ImportError, OSError, RuntimeError):
        _recogniser(threads)


_RECOGNISERS: dict[int, Recogniser] = {}
_LOCK = threading.Lock()


def _recogniser(threads: int) -> Recogniser:
    """One recogniser per process (and thread setting)."""
    with _LOCK:
        if threads not in _RECOGNISERS:
            _RECOGNISERS[threads] = Recogniser(_model("PP-OCRv6_rec_small.onnx"), threads)
        return _RECOGNISERS[threads]


def _model(name: str) -> Path:
    from importlib.util import find_spec

    spec = find_spec("rapidocr")
    if spec is None or spec.origin is None:
        raise ImportError("rapidocr is not installed")
    return Path(spec.origin).parent / "models" / name


_DETECTORS: dict[int, Any] = {}
_DETECTING_LOCK = threading.Lock()  # rapidocr keeps each call's options on the engine


def _detecting_engine(threads: int) -> Any:
    """rapidocr's whole engine (detector and recogniser), loaded on first use: only a
    page with values still missing after tesseract's passes needs it."""
    with _DETECTING_LOCK:
        if threads not in _DETECTORS:
            import logging

            from rapidocr import RapidOCR

            _DETECTORS[threads] = RapidOCR(
                params={
                    "Global.log_level": "error",
                    "Global.use_cls": False,
                    "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                    "EngineConfig.onnxruntime.inter_op_num_threads": threads,
                }
            )
            # rapidocr logs through its own logger; we log nothing a page said.
            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        return _DETECTORS[threads]
