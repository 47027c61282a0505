"""Tesseract's library, called in this process through tesserocr, reads what the
executable reads, under the same thread limit and time limit, and quietly; without it the
executable is used."""

import json
import os
import subprocess
import sys
import threading

import cv2
import numpy as np
import pytest
from medextract.documents import open_document
from medextract.errors import ConfigurationError, InputError, Reason
from medextract.ocr import (
    LEPTONICA_SILENT,
    TesseractCommand,
    TesseractLibrary,
    _loaded,
    default_engine,
)
from medextract.orient import upright
from medextract.preprocess import prepare
from medextract.settings import Settings
from medextract_dev.synth import generate_document


@pytest.fixture(scope="module")
def pages():
    """Two generated pages as the reader sends them: the binary page and its grey
    lines enlarged (as the second reading's mosaic is)."""
    images = []
    for index in range(2):
        doc = generate_document(11, index, fmt="png")
        prepared = prepare(next(open_document(doc.data, Settings()).pages()))
        page = upright(prepared, TesseractCommand(Settings())).page  # the generator turns some
        images.append(page.binary)
        strip = page.grey[: page.grey.shape[0] // 4]
        images.append(cv2.resize(strip, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC))
    return images


@pytest.mark.parametrize("psm", [3, 6, 11])
def test_the_library_reads_the_same_words_as_the_executable(pages, psm):
    library, command = TesseractLibrary(Settings()), TesseractCommand(Settings())
    for image in pages:
        words = library.words(image, psm=psm)
        assert len(words) > 10
        assert words == command.words(image, psm=psm)
    assert library.version() == command.version()


def test_threads_reading_at_once_get_what_one_reading_at_a_time_gets(pages):
    engine = TesseractLibrary(Settings())
    alone = [engine.words(image) for image in pages]
    together: list = [None] * len(pages)

    def read(i):
        together[i] = engine.words(pages[i])

    threads = [threading.Thread(target=read, args=(i,)) for i in range(len(pages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert together == alone


def test_the_library_prints_nothing(pages, capfd):
    # The executable's messages ("Estimating resolution as 300") went to a pipe we
    # dropped; in this process they would reach the caller's terminal or log.
    TesseractLibrary(Settings()).words(pages[0])
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", "")
    # Nor does leptonica, its image library ("Error in boxClipToRectangle: ..."): the
    # call answers the severity it replaces, and that was already "none".
    leptonica = _loaded("liblept.so.5")
    assert leptonica is not None
    assert leptonica.setMsgSeverity(LEPTONICA_SILENT) == LEPTONICA_SILENT


def test_a_page_over_its_time_is_the_documents_error(pages):
    engine = TesseractLibrary(Settings(ocr_timeout_seconds=0.001))
    with pytest.raises(InputError) as caught:
        engine.words(np.vstack(pages[0::2]))
    assert caught.value.reason is Reason.OCR_TIMEOUT


# What the engine a new process chooses reports: its class, the OpenMP thread limit in
# force, and the caller's OMP_THREAD_LIMIT as the caller sees it afterwards.
_PROBE = """
import ctypes, json, os, sys
import numpy as np
if sys.argv[1] == "openmp-first":
    ctypes.CDLL("libgomp.so.1")  # another library started OpenMP before us
from medextract.ocr import default_engine, omp_thread_limit
from medextract.settings import Settings
engine = default_engine(Settings())
engine.words(np.full((40, 40), 255, np.uint8))
print(json.dumps([type(engine).__name__, omp_thread_limit(), os.environ.get("OMP_THREAD_LIMIT")]))
"""


def _probe(setup="", **env):
    caller = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    caller = {k: v for k, v in caller.items() if not k.startswith("MEDEXTRACT_")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, setup or "-"],
        env={**caller, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout), done.stderr


@pytest.mark.parametrize(
    ("callers", "setting", "limit"), [(None, None, 1), ("8", None, 1), ("1", "2", 2)]
)
def test_the_library_runs_under_the_thread_limit_setting_whatever_the_caller_set(
    callers, setting, limit
):
    env = {"OMP_THREAD_LIMIT": callers} if callers else {}
    if setting:
        env["MEDEXTRACT_TESSERACT_THREADS"] = setting
    (engine, in_force, callers_after), _ = _probe(**env)
    assert (engine, in_force) == ("TesseractLibrary", limit)
    assert callers_after == callers  # the caller's environment is as it was


def test_openmp_started_with_another_limit_means_the_executable_and_says_so():
    (engine, in_force, _), stderr = _probe("openmp-first", OMP_THREAD_LIMIT="8")
    assert (engine, in_force) == ("TesseractCommand", 8)
    assert "thread limit of 8" in stderr


def test_a_binding_that_is_not_there_means_the_executable(caplog):
    engine = default_engine(Settings(tesseract_library="tesserocr_not_here"))
    assert isinstance(engine, TesseractCommand)
    assert "not used" in caplog.text


def test_no_library_setting_means_the_executable():
    assert isinstance(default_engine(Settings(tesseract_library="")), TesseractCommand)


def test_a_model_that_cannot_load_is_a_configuration_error_at_once(tmp_path, capfd):
    # The first model loads in the background; its failure is the caller's error, raised
    # by the caller's own attempt, not a thread's traceback or a wait.
    engine = TesseractLibrary(Settings(tessdata_dir=tmp_path))  # no eng.traineddata
    with pytest.raises(ConfigurationError) as caught:
        engine.words(np.full((40, 40), 255, np.uint8))
    assert caught.value.reason is Reason.OCR_ENGINE_MISSING
    assert "Exception in thread" not in capfd.readouterr().err


def _extract_in_a_new_process(path):
    code = f"from medextract.cli import main; raise SystemExit(main(['extract', {str(path)!r}]))"
    caller = {k: v for k, v in os.environ.items() if not k.startswith("MEDEXTRACT_")}
    return subprocess.run(
        [sys.executable, "-c", code], env=caller, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_a_file_refused_while_its_model_loads_prints_only_our_line(tmp_path, fmt):
    # A truncated image opens (its header is whole), so its model starts loading in the
    # background; decoding it then fails. A model left loading at exit made tesseract
    # print three "ObjectCache ... WARNING! LEAK!" lines after ours.
    doc = generate_document(11, 0, fmt=fmt)
    path = tmp_path / f"cut.{fmt}"
    path.write_bytes(doc.data[: len(doc.data) // 2])
    done = _extract_in_a_new_process(path)
    assert done.returncode == 65
    ours = f"medextract: {path}: CORRUPT_DOCUMENT: the image is damaged or truncated\n"
    assert done.stderr == ours


def test_a_document_read_whole_prints_nothing_on_stderr(tmp_path):
    path = tmp_path / "good.png"
    path.write_bytes(generate_document(11, 0, fmt="png").data)
    done = _extract_in_a_new_process(path)
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["source"]["name"] == "good.png"
