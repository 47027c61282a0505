"""The CLI as a Unix user runs it: pipes, Ctrl-C, stdin, exit statuses, --out, progress.

No document is read here: the reading is replaced by a fake, or the CLI stops before it.
"""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from medextract import cli
from medextract.cli import main
from medextract.doctype import DocumentType

REPO = Path(__file__).resolve().parents[2]


def _fake_extraction(data: bytes, name: str):
    from medextract.extract import Extraction
    from medextract.result import Result, Source, Timings

    result = Result(
        source=Source(name=name, sha256="0" * 64, media_type="application/pdf", page_count=1),
        document_type=DocumentType.UNKNOWN,
        document_type_confidence=0.0,
        fields={},
        needs_review=True,
        pages=[],
        timings=Timings(load_seconds=0, pages_seconds=0, parse_seconds=0, total_seconds=0),
        engine="fake",
    )
    return Extraction(result, [])


@pytest.fixture
def read_by_fake(monkeypatch):
    """extract_pages replaced: records (name, bytes) and returns an empty result."""
    calls = []

    def extract_pages(data, name, doc_type=None, **_):
        calls.append((name, data))
        return _fake_extraction(data, name)

    monkeypatch.setattr("medextract.extract.extract_pages", extract_pages)
    return calls


def _scans(root: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 " + name.encode())
        paths.append(path)
    return paths


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == "medextract 0.1.0"


def test_help_is_plain_text_without_rest_markup(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "``" not in out and "extract" in out


def test_a_usage_error_exits_64_not_the_bad_document_status(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["extract", "--type", "invoice", "scan.pdf"])
    assert exited.value.code == 64
    assert "Traceback" not in capsys.readouterr().err


def test_an_empty_folder_is_no_input_not_success(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("no scans here")
    assert main(["extract", str(tmp_path)]) == 66
    assert "no PDF, JPEG, PNG or TIFF files" in capsys.readouterr().err


def test_a_missing_file_is_unreadable_and_exits_66(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "gone.pdf")]) == 66
    assert "UNREADABLE" in capsys.readouterr().err


def test_out_mirrors_the_folders_layout_so_same_names_do_not_collide(
    tmp_path, read_by_fake, capsys
):
    _scans(tmp_path / "in", "ward1/scan.pdf", "ward2/scan.pdf")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--jobs", "1"]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == ["ward1/scan.pdf.json", "ward2/scan.pdf.json"]


def test_out_refuses_two_files_that_would_write_one_result(tmp_path, read_by_fake, capsys):
    one, two = _scans(tmp_path, "ward1/scan.pdf", "ward2/scan.pdf")
    status = main(["extract", str(one), str(two), "--out", str(tmp_path / "out")])
    assert status == 64
    assert read_by_fake == []  # refused before anything was read
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_dash_reads_the_document_from_standard_input(monkeypatch, read_by_fake, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"%PDF-1.4 piped")))
    assert main(["extract", "-"]) == 0
    assert read_by_fake == [("stdin", b"%PDF-1.4 piped")]


def test_a_file_over_the_size_limit_is_refused_from_its_size_unread(
    tmp_path, monkeypatch, read_by_fake, capsys
):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GB on paper, nothing on disk
    opened = []
    real_open = open

    def spying_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        if str(path) == str(big):
            opened.append(handle)
            handle.read = lambda *a: pytest.fail("the oversized file was read")
        return handle

    monkeypatch.setattr("builtins.open", spying_open)
    assert main(["extract", str(big)]) == 65
    assert "FILE_TOO_LARGE" in capsys.readouterr().err
    assert read_by_fake == []


def test_progress_is_shown_only_on_a_terminal(tmp_path, read_by_fake, capsys):
    _scans(tmp_path, "a.pdf", "b.pdf", "c.pdf")
    assert main(["extract", str(tmp_path), "--jobs", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # stderr is not a terminal here: no bar
    assert len(captured.out.splitlines()) == 3


def test_on_a_terminal_a_bar_counts_the_files_and_failures_print_above_it(
    tmp_path, monkeypatch, capsys
):
    from medextract.errors import InputError, Reason

    def extract_pages(data, name, doc_type=None, **_):
        if name == "b.pdf":
            raise InputError(Reason.CORRUPT_DOCUMENT, "damaged")
        return _fake_extraction(data, name)

    monkeypatch.setattr("medextract.extract.extract_pages", extract_pages)
    _scans(tmp_path, "a.pdf", "b.pdf", "c.pdf")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["extract", str(tmp_path), "--jobs", "1"]) == 65
    captured = capsys.readouterr()
    assert f"medextract: {tmp_path / 'b.pdf'}: CORRUPT_DOCUMENT: damaged" in captured.err
    assert "3/3" in captured.err  # the bar's last state
    assert len(captured.out.splitlines()) == 2


def test_ctrl_c_exits_130_without_a_traceback(monkeypatch, tmp_path, capsys):
    _scans(tmp_path, "a.pdf")

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "read_all", interrupted)
    assert main(["extract", str(tmp_path / "a.pdf")]) == 130
    assert "Traceback" not in capsys.readouterr().err


def test_a_closed_stdout_ends_quietly():
    # `medextract schema | true`: the reader is gone before the first write.
    reader, writer = os.pipe()
    os.close(reader)
    done = subprocess.run(
        [sys.executable, "-m", "medextract.cli", "schema"],
        cwd=REPO,
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    os.close(writer)
    assert done.stderr == ""
    assert done.returncode == 141  # 128 + SIGPIPE, as a Unix tool killed by it
