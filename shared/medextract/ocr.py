"""The tesseract adapter: words with boxes and confidences, and nothing else.

Two engines give the same words (the same TSV, row for row; a test compares them):

- ``TesseractLibrary``, the default: tesseract's library (``libtesseract.so.5``, the
  library the ``tesseract`` executable is built on) called in this process through
  tesserocr, the maintained binding (Debian's ``python3-tesserocr``, built on that same
  library). The model is loaded once per handle and a handle serves call after call,
  so a call costs its recognition only: about half of what a new process costs on a
  page, and a tenth on the small crops the second readings send (README, "Where we
  left the chosen stack").
  A handle serves one call at a time; threads take idle ones from a pool.
- ``TesseractCommand``: one ``tesseract`` subprocess per call (as OCRmyPDF's
  ``_exec/tesseract.py`` runs it). It is used when the binding cannot be imported, or
  when this process's OpenMP runtime was started before us with another thread limit.

Tesseract's OpenMP threads make every call 2-4x slower on a machine with few cores, so
the ``tesseract_threads`` setting is the thread limit whatever the caller's environment
holds: the command gets ``OMP_THREAD_LIMIT`` in its environment on every call, and the
binding (with the library and its OpenMP runtime) is imported with it set, then the limit
is checked with the OpenMP runtime.

Every call has a time limit, and failures are turned into our error tree: a missing
engine is a ConfigurationError, a call over its time an InputError (the page takes as
long again on a retry), a crash or an empty answer a ConfigurationError naming the exit
status (never tesseract's messages, which may echo document text). The library's time
limit is tesseract's own deadline, which it checks between words: page layout analysis,
bounded by the page size the documents module allows, runs to its end.
"""

from __future__ import annotations

import atexit
import ctypes
import importlib
import logging
import os
import queue
import subprocess
import threading
import time
from functools import cache, lru_cache
from types import ModuleType
from typing import Protocol

import cv2
import numpy as np

from medextract.errors import ConfigurationError, InputError, Reason
from medextract.settings import Settings
from medextract.words import Word as Word  # the type's home: no OpenCV there


class OcrEngine(Protocol):
    """Anything that turns an image into words: tesseract, or a fake in tests."""

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]: ...

    def version(self) -> str: ...


class TesseractCommand:
    """One ``tesseract`` process per call: the page in on stdin as an uncompressed PGM,
    the words out on stdout as TSV; no temporary files."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._env = tesseract_environment(settings)

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]:
        ok, pgm = cv2.imencode(".pgm", image)
        if not ok:
            raise ConfigurationError(Reason.OCR_ENGINE_FAILED, "the page could not be encoded")
        args = ["stdin", "stdout", "--oem", "1", "--psm", str(psm)]
        args += [*self._settings.tesseract_args(), "tsv"]
        return _words_from_tsv(self._run(args, pgm.tobytes()), header=True)

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


class TesseractLibrary:
    """Tesseract's library in this process, through tesserocr; handles (each a loaded
    model) are pooled and live as long as the process, so a Lambda container or a
    ``--jobs`` worker loads the model once per concurrent call, not once per call."""

    def __init__(self, settings: Settings, calls_at_once: int = 1) -> None:
        self._pool = _pool_for(settings)
        self._timeout = settings.ocr_timeout_seconds
        # The models the first calls need load in the background while the pages are
        # decoded and prepared.
        self._pool.warm(calls_at_once)

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]:
        handle = self._pool.take()
        try:
            return _words_from_tsv(handle.read(image, psm, self._timeout), header=False)
        finally:
            self._pool.give_back(handle)

    def version(self) -> str:
        return f"tesseract {self._pool.binding.PyTessBaseAPI.Version()}"


class _Handle:
    """One ``PyTessBaseAPI``: a loaded model that reads one image at a time."""

    def __init__(self, binding: ModuleType, datapath: str) -> None:
        try:
            # path "": tesseract's own search (TESSDATA_PREFIX, then its built-in path),
            # as the executable without --tessdata-dir.
            self._api = binding.PyTessBaseAPI(path=datapath, lang="eng", oem=binding.OEM.LSTM_ONLY)
        except RuntimeError as exc:
            missing = "tesseract's model not found"
            raise ConfigurationError(Reason.OCR_ENGINE_MISSING, missing) from exc
        # tesseract's own messages ("Estimating resolution as 300") go nowhere, as the
        # executable's stderr does: they are not ours to print.
        self._api.SetVariable("debug_file", os.devnull)

    def read(self, image: np.ndarray, psm: int, timeout: float) -> str:
        api = self._api
        pixels = np.ascontiguousarray(image, dtype=np.uint8)
        height, width = pixels.shape[:2]
        depth = 1 if pixels.ndim == 2 else pixels.shape[2]
        try:
            api.SetPageSegMode(psm)
            api.SetImageBytes(pixels.tobytes(), width, height, depth, width * depth)
            start = time.monotonic()
            # The deadline is tesseract's own (a monitor it checks between words); the
            # GIL is released while it reads, so threads read at once.
            if not api.Recognize(timeout=max(1, round(timeout * 1000))):
                if time.monotonic() - start >= timeout:
                    raise InputError(
                        Reason.OCR_TIMEOUT, f"tesseract took longer than {timeout:g} s"
                    )
                raise ConfigurationError(
                    Reason.OCR_ENGINE_FAILED, "tesseract's library could not read the page"
                )
            # Only after a reading that succeeded: on a page without one, GetTSVText
            # would read it again, without the deadline.
            try:
                text: str = api.GetTSVText(0)
            except RuntimeError:
                text = ""
            if not text:
                raise ConfigurationError(
                    Reason.OCR_ENGINE_FAILED, "tesseract's library returned nothing"
                )
            return text
        finally:
            api.Clear()

    def close(self) -> None:
        self._api.End()


# Leptonica's L_SEVERITY_NONE: it prints no message.
LEPTONICA_SILENT = 6
# Seconds a call waits for the handle warm() is loading (a load takes about 0.15 s).
WARM_WAIT = 10.0


class _Pool:
    """Idle handles of one binding and model, shared by every thread of the process."""

    def __init__(self, binding: ModuleType, datapath: str) -> None:
        self.binding = binding
        self._datapath = datapath
        # None: a load in the background failed (the caller loads one and gets the error).
        self._idle: queue.SimpleQueue[_Handle | None] = queue.SimpleQueue()
        self._all: list[_Handle] = []
        self._loaders: list[threading.Thread] = []
        self._loading = 0  # handles warm() is loading
        self._unclaimed = 0  # of those, how many no caller is waiting for yet
        self._lock = threading.Lock()
        atexit.register(self._close)

    def take(self) -> _Handle:
        with self._lock:
            wait = self._unclaimed > 0
            self._unclaimed -= wait
        try:
            # One being loaded is nearly ready: cheaper to wait for it than to load another.
            handle = self._idle.get(timeout=WARM_WAIT) if wait else self._idle.get_nowait()
        except queue.Empty:
            handle = None
        return handle or self._new()

    def give_back(self, handle: _Handle) -> None:
        self._idle.put(handle)

    def warm(self, count: int) -> None:
        """Load models in the background until the pool has ``count``."""
        with self._lock:
            missing = count - len(self._all) - self._loading
            self._loading += max(0, missing)
            self._unclaimed += max(0, missing)
            loaders = [threading.Thread(target=self._load, daemon=True) for _ in range(missing)]
            self._loaders = [t for t in self._loaders if t.is_alive()] + loaders
        for loader in loaders:
            loader.start()

    def _load(self) -> None:
        try:
            handle: _Handle | None = self._new()
        except ConfigurationError:
            handle = None
        with self._lock:
            self._loading -= 1
        self._idle.put(handle)

    def _new(self) -> _Handle:
        handle = _Handle(self.binding, self._datapath)
        with self._lock:
            self._all.append(handle)
        return handle

    def _close(self) -> None:
        """At exit, every model is closed, those still loading in the background too
        (a document refused while its model loads): tesseract prints a ``WARNING!
        LEAK!`` line per dictionary of a model left open when the process ends."""
        with self._lock:
            loaders = list(self._loaders)
        for loader in loaders:
            loader.join()
        with self._lock:
            for handle in self._all:
                handle.close()
            self._all.clear()


def load_model(settings: Settings) -> None:
    """Load one model into the library's pool now, in this thread: a process about to
    fork workers (``medextract.preload``) hands it to each. Nothing when the
    executable is used instead."""
    if not settings.tesseract_library:
        return
    try:
        pool = _pool_for(settings)
    except OSError:
        return  # the executable will be used; default_engine says why
    pool.give_back(pool.take())


def _pool_for(settings: Settings) -> _Pool:
    # One thread at a time: the binding is imported once, and its import sets the
    # process's environment for a moment.
    with _LOADING:
        return _pool(settings.tesseract_library, settings.tesseract_threads,
                     str(settings.tessdata_dir or ""))  # fmt: skip


_LOADING = threading.Lock()


@cache
def _pool(binding: str, threads: int, datapath: str) -> _Pool:
    return _Pool(_import_binding(binding, threads), datapath)


def _import_binding(name: str, threads: int) -> ModuleType:
    """tesserocr (``name``) and the libtesseract it is built on, with ``threads`` as
    its OpenMP thread limit. The OpenMP runtime reads ``OMP_THREAD_LIMIT`` once, when
    it is loaded (here, with tesseract, by the import): the variable is set for the
    import, restored after it, and the limit checked. Raises OSError when the binding
    cannot be imported or the limit did not take."""
    saved = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = str(threads)
    try:
        binding = importlib.import_module(name)
    except ImportError as exc:
        raise OSError(f"{name} cannot be imported: {exc}") from exc
    finally:
        if saved is None:
            del os.environ["OMP_THREAD_LIMIT"]
        else:
            os.environ["OMP_THREAD_LIMIT"] = saved
    limit = omp_thread_limit()
    if limit is not None and limit != threads:
        raise OSError(f"OpenMP was started before tesseract with a thread limit of {limit}")
    # Leptonica, tesseract's image library, reports its own errors on stderr ("Error in
    # boxClipToRectangle: box outside rectangle"; tesseract carries on): silenced, as
    # the executable's stderr was. tesserocr has no call for it.
    leptonica = _loaded("liblept.so.5")
    if leptonica is not None:
        leptonica.setMsgSeverity(LEPTONICA_SILENT)
    return binding


def omp_thread_limit() -> int | None:
    """This process's OpenMP thread limit, or None when no OpenMP runtime is loaded."""
    gomp = _loaded("libgomp.so.1")
    return None if gomp is None else int(gomp.omp_get_thread_limit())


def _loaded(library: str) -> ctypes.CDLL | None:
    """A C library this process has already loaded (never loads one), or None."""
    try:
        return ctypes.CDLL(library, mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
    except OSError:
        return None


def default_engine(settings: Settings, calls_at_once: int = 1) -> OcrEngine:
    """The library when it loads with the thread limit, else the executable (the same
    words, slower); the reason is logged once. ``calls_at_once``: how many calls the
    caller will make at once (the library has that many models loaded by then)."""
    if settings.tesseract_library:
        try:
            return TesseractLibrary(settings, calls_at_once)
        except OSError as exc:
            _log_fallback(str(exc))
    return TesseractCommand(settings)


@lru_cache(maxsize=4)
def _log_fallback(reason: str) -> None:
    logging.getLogger(__name__).warning(
        "tesseract's library is not used (%s); each call starts the executable", reason
    )


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


def _words_from_tsv(tsv: str, header: bool) -> list[Word]:
    """The words (rows with text and a confidence) of tesseract's TSV output, whose
    columns are level, page, block, paragraph, line, word, left, top, width, height,
    confidence (0-100, truncated to an integer as before) and text. The executable
    writes a header row first; the library does not."""
    words = []
    for row in tsv.splitlines()[1 if header else 0 :]:
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
