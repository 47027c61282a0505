"""A folder read several documents at once (``--jobs``) gives what one at a time gives:
the same lines, in the same order, the same failures and exit status."""

import json

from medextract.cli import main
from medextract.errors import InputError
from medextract_dev.synth import generate_document

SEED = 11


def _run(folder, jobs, capsys):
    status = main(["extract", str(folder), "--jobs", str(jobs)])
    captured = capsys.readouterr()
    results = [json.loads(line) for line in captured.out.splitlines()]
    for result in results:  # how long it took is the only thing allowed to differ
        result.pop("timings")
        for page in result["pages"]:
            page.pop("seconds")
    failures = [line for line in captured.err.splitlines() if line.startswith("medextract:")]
    return status, results, failures


def test_several_documents_at_once_give_the_same_output_in_the_same_order(tmp_path, capsys):
    # Given a folder: a two-page record, an empty file between, and a prescription
    record = generate_document(SEED, 2, doc_type="patient_details", fmt="pdf")
    prescription = generate_document(SEED, 3, doc_type="prescription", fmt="png")
    (tmp_path / "a.pdf").write_bytes(record.data)
    (tmp_path / "b.pdf").write_bytes(b"")
    (tmp_path / "c.png").write_bytes(prescription.data)
    # When it is read one document at a time, two at a time (two worker processes) and
    # three (three workers)
    one_at_a_time = _run(tmp_path, 1, capsys)
    two_at_a_time = _run(tmp_path, 2, capsys)
    three_at_a_time = _run(tmp_path, 3, capsys)
    # Then both give the same results in the files' order, and the same failure
    status, results, failures = one_at_a_time
    assert [r["source"]["name"] for r in results] == ["a.pdf", "c.png"]
    assert results[0]["source"]["page_count"] == 2
    assert status == InputError.exit_code and len(failures) == 1
    assert "b.pdf: EMPTY_FILE" in failures[0]
    assert two_at_a_time == one_at_a_time
    assert three_at_a_time == one_at_a_time


def test_several_at_once_after_opencv_has_run_in_the_calling_process(tmp_path):
    # A process that has used OpenCV's thread pool (as a test run or a notebook has)
    # must not fork workers that hang on a lock no thread holds: it used to, forever.
    import subprocess
    import sys

    for index in range(2):
        doc = generate_document(SEED, 4 + index, doc_type="prescription", fmt="png")
        (tmp_path / f"{index}.png").write_bytes(doc.data)
    code = (
        "import numpy as np; from medextract.preprocess import prepare; from PIL import Image; "
        "prepare(Image.fromarray(np.full((2200, 1700), 250, np.uint8))); "
        "from medextract.cli import main; "
        f"raise SystemExit(main(['extract', {str(tmp_path)!r}, '--jobs', '2']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert len(done.stdout.splitlines()) == 2


def test_the_workers_server_loads_what_every_document_needs_before_it_forks():
    # Each worker then starts with the core, the word lists and a model in memory.
    import subprocess
    import sys

    code = (
        "import medextract.preload; from medextract import checks, ocr; "
        "from medextract.settings import get_settings; "
        "print(checks.english_words.cache_info().currsize, "
        "ocr._pool_for(get_settings())._idle.qsize())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "1"]
