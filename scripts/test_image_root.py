"""What the image check reads of a Dockerfile and of .dockerignore, and what it refuses.

Run by `make image-check` before it builds (no root, no network).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from image_root import BUILD_DIR, DOCKER_DEFAULT_PATH, BuildError, context_files, read_dockerfile

REPO = Path(__file__).resolve().parent.parent

HEAD = (
    f"FROM debian:bookworm-slim\nCOPY . {BUILD_DIR}/\n"
    f"RUN sh {BUILD_DIR}/functions/extract/install.sh\n"
)


def dockerfile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "extract" / "Dockerfile"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_each_function_image_is_its_install_script_and_a_command() -> None:
    for function in ("extract", "review"):
        image = read_dockerfile(REPO / "functions" / function / "Dockerfile")
        assert image.run == f"sh {BUILD_DIR}/functions/{function}/install.sh"
        assert image.command == [
            "/opt/venv/bin/python",
            "-m",
            "awslambdaric",
            f"functions.{function}.app.handler",
        ]
        assert image.workdir == "/var/task"
        assert image.env["PATH"] == f"/opt/venv/bin:{DOCKER_DEFAULT_PATH}"
        assert image.env["PYTHONPATH"] == "/var/task"


def test_runtime_configuration_is_read_with_continuations_and_comments(tmp_path: Path) -> None:
    text = HEAD + '# a comment\nENV A=1 \\\n    # inside\n    B="two words"\nCMD ["x.y"]\n'
    image = read_dockerfile(dockerfile(tmp_path, text))
    assert (image.env["A"], image.env["B"], image.cmd) == ("1", "two words", ["x.y"])
    assert image.env["PATH"] == DOCKER_DEFAULT_PATH


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "RUN pip install something\n",  # a second RUN: it belongs in install.sh
        HEAD + "COPY extra /opt/extra\n",
        HEAD + "ENV PATH=/opt/venv/bin:$PATH\n",  # a variable the check would interpret
        HEAD + "CMD functions.extract.app.handler\n",  # shell form
        HEAD + "WORKDIR task\n",
        "FROM debian:bookworm-slim\nARG X=1\n" + HEAD.split("\n", 1)[1],
        HEAD.replace("bookworm-slim", "bookworm"),
        HEAD.replace("extract/install.sh", "review/install.sh"),  # another function's script
    ],
)
def test_a_dockerfile_of_another_shape_fails_the_check(tmp_path: Path, text: str) -> None:
    with pytest.raises(BuildError):
        read_dockerfile(dockerfile(tmp_path, text))


def test_the_context_is_what_dockerignore_admits() -> None:
    rels = {rel for rel, _ in context_files(REPO)}
    assert {
        "pyproject.toml",
        "functions/extract/install.sh",
        "functions/review/requirements.txt",
        "layers/tesseract/install.sh",
        "shared/medextract/extract.py",
    } <= rels
    assert not [r for r in rels if r.startswith(("tests/", "scripts/", "tools/", ".venv/"))]
    assert not [r for r in rels if "__pycache__" in r or r.endswith(("Dockerfile", ".pyc"))]


@pytest.mark.parametrize("rules", ["!shared/\n", "*\n*.md\n", "*\n**/tests\n!shared/\n"])
def test_a_dockerignore_form_the_check_does_not_read_fails(tmp_path: Path, rules: str) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / ".dockerignore").write_text(rules)
    with pytest.raises(BuildError):
        context_files(tmp_path)
