"""The package (shared/medextract, what the images install) holds production code only:
nothing in it imports the development tools (tools/medextract_dev) or what only they,
the tests and the benchmarks use."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "shared" / "medextract"
DEV_ONLY = {"medextract_dev", "moto", "yaml", "uvicorn", "pypdf", "pytest", "playwright"}


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_of_the_package_imports_a_development_tool() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_imported(path) & DEV_ONLY)
        for path in PACKAGE.rglob("*.py")
        if _imported(path) & DEV_ONLY
    }
    assert offenders == {}


def test_the_generator_demo_and_local_stack_are_not_in_the_package() -> None:
    moved = ["synth", "demo.py", "aws/local.py", "review/local.py"]
    assert [name for name in moved if (PACKAGE / name).exists()] == []
