"""The Dockerfile interpreter behind `make image-check`: what it accepts, what it refuses.

Run by `make image-check` before it builds (no root, no network):
`.venv/bin/python -m pytest -q scripts/test_dockerfile_interp.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dockerfile_interp import (
    Context,
    DockerIgnore,
    RecipeError,
    _plan,
    in_root,
    parse_dockerfile,
    parse_env,
    substitute,
)

REPO = Path(__file__).resolve().parent.parent


def plan(tmp_path: Path, dockerfile: str, files: dict[str, str] | None = None, ignore: str = ""):
    for rel, text in (files or {}).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / ".dockerignore").write_text(ignore)
    return _plan(parse_dockerfile(dockerfile), Context.at(tmp_path), {})


@pytest.mark.parametrize(
    "instruction",
    [
        "USER nobody",
        "HEALTHCHECK CMD true",
        "ADD https://example.invalid/x /x",
        "VOLUME /data",
        'SHELL ["/bin/bash", "-c"]',
        "ONBUILD RUN true",
        "EXPOSE 8080",
        "STOPSIGNAL SIGKILL",
    ],
)
def test_an_instruction_the_check_does_not_run_fails_the_parse(instruction):
    with pytest.raises(RecipeError, match="does not run"):
        parse_dockerfile(f"FROM debian:bookworm-slim\n{instruction}\n")


def test_an_unknown_base_image_fails():
    with pytest.raises(RecipeError, match="cannot be reproduced"):
        _plan(parse_dockerfile("FROM python:3.11-slim\n"), Context.at(REPO), {})


def test_multi_stage_builds_fail():
    text = "FROM debian:bookworm-slim AS build\nFROM debian:bookworm-slim\n"
    with pytest.raises(RecipeError, match="multi-stage"):
        _plan(parse_dockerfile(text), Context.at(REPO), {})


@pytest.mark.parametrize("flags", ["--chmod=755", "--from=build", "--link", "--chown=1:1"])
def test_copy_flags_fail(tmp_path, flags):
    with pytest.raises(RecipeError, match="flag"):
        plan(tmp_path, f"FROM debian:bookworm-slim\nCOPY {flags} a /a\n", {"a": "x"})


def test_run_flags_fail(tmp_path):
    with pytest.raises(RecipeError, match="RUN flags"):
        plan(tmp_path, "FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/x true\n")


def test_shell_form_cmd_fails():
    with pytest.raises(RecipeError, match="exec"):
        _plan(
            parse_dockerfile("FROM debian:bookworm-slim\nCMD python app.py\n"), Context.at(REPO), {}
        )


def test_variable_modifiers_fail():
    with pytest.raises(RecipeError, match="modifier"):
        substitute("${X:-default}", {})


def test_continuations_join_and_comments_inside_them_vanish():
    ins = parse_dockerfile(
        "# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\nRUN a \\\n# note\n    && b\n"
    )
    assert [(i.keyword, i.args) for i in ins] == [
        ("FROM", "debian:bookworm-slim"),
        ("RUN", "a && b"),
    ]


def test_escape_directive_fails():
    with pytest.raises(RecipeError, match="directive"):
        parse_dockerfile("# escape=`\nFROM debian:bookworm-slim\n")


def test_env_forms_and_substitution():
    assert parse_env('A=1 B="two words"') == [("A", "1"), ("B", "two words")]
    assert parse_env("KEY value with spaces") == [("KEY", "value with spaces")]
    assert substitute("/opt/venv/bin:$PATH:${HOME}", {"PATH": "/bin", "HOME": "/root"}) == (
        "/opt/venv/bin:/bin:/root"
    )


def test_env_path_extends_dockers_default(tmp_path):
    _, image, _ = plan(tmp_path, "FROM debian:bookworm-slim\nENV PATH=/opt/venv/bin:$PATH\n")
    assert image.env["PATH"].startswith("/opt/venv/bin:/usr/local/sbin:")


def test_dockerignore_allowlist_and_double_star():
    ignore = DockerIgnore("*\n!shared/\n!functions/\n**/__pycache__\nfunctions/**/Dockerfile\n")
    assert ignore.excluded(".venv/bin/python")
    assert ignore.excluded("tests/unit/test_x.py")
    assert not ignore.excluded("shared/medextract/extract.py")
    assert ignore.excluded("shared/medextract/__pycache__/extract.cpython-311.pyc")
    assert ignore.excluded("functions/extract/Dockerfile")
    assert not ignore.excluded("functions/extract/app.py")


def test_copy_of_a_directory_copies_its_contents_through_dockerignore(tmp_path):
    steps, _, _ = plan(
        tmp_path,
        "FROM debian:bookworm-slim\nCOPY src/ /app/\n"
        "COPY one.txt two.txt /etc/x/\nCOPY one.txt /renamed\n",
        {
            "src/a.py": "a",
            "src/sub/b.py": "b",
            "src/sub/skip.pyc": "c",
            "one.txt": "1",
            "two.txt": "2",
        },
        ignore="**/*.pyc\n",
    )
    copies = [sorted(t for _, t in s.copies) for s in steps if s.action == "copy"]
    assert copies == [
        ["/app/a.py", "/app/sub/b.py"],
        ["/etc/x/one.txt", "/etc/x/two.txt"],
        ["/renamed"],
    ]


def test_copy_of_an_ignored_or_missing_source_fails(tmp_path):
    with pytest.raises(RecipeError, match="not in the build context"):
        plan(tmp_path, "FROM debian:bookworm-slim\nCOPY secret /x\n", {"secret": "s"}, "secret\n")
    with pytest.raises(RecipeError, match="not in the build context"):
        plan(tmp_path, "FROM debian:bookworm-slim\nCOPY nowhere /x\n")


def test_changing_a_copied_file_changes_that_step_and_every_later_key(tmp_path):
    text = "FROM debian:bookworm-slim\nRUN true\nCOPY a /a\nRUN true\n"
    before, _, _ = plan(tmp_path, text, {"a": "one"})
    after, _, _ = plan(tmp_path, text, {"a": "two"})
    same = [b.key == a.key for b, a in zip(before, after, strict=True)]
    assert same == [True, True, False, False]


def test_the_real_dockerfile_plans_and_starts_the_runtime_interface_client():
    steps, image, base = _plan(
        parse_dockerfile((REPO / "functions/extract/Dockerfile").read_text()),
        Context.at(REPO),
        {},
    )
    assert base == ("bookworm", True)
    assert image.entrypoint == ["/opt/venv/bin/python", "-m", "awslambdaric"]
    assert image.cmd == ["functions.extract.app.handler"]
    assert image.env["MEDEXTRACT_TESSDATA_DIR"] == "/usr/share/tesseract-ocr/5/tessdata"
    assert image.env["MEDEXTRACT_TESSERACT_CMD"] == "/usr/bin/tesseract"
    copied = {t for s in steps for _, t in s.copies}
    assert "/var/task/functions/extract/app.py" in copied
    assert not any("__pycache__" in t or t.endswith(".pyc") for t in copied)


def test_paths_through_absolute_symlinks_stay_inside_the_root(tmp_path):
    root = tmp_path / "root"
    (root / "run").mkdir(parents=True)
    (root / "var").mkdir()
    (root / "var/run").symlink_to("/run")
    (root / "up").symlink_to("../../..")
    assert in_root(root, "/var/run/x.pid") == root / "run/x.pid"
    assert in_root(root, "/up/etc/passwd") == root / "etc/passwd"
    assert in_root(root, "/../../etc") == root / "etc"
