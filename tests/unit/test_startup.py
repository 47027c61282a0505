"""Start-up imports only what the command needs: the heavy libraries (OpenCV, numpy,
boto3, the X-Ray SDK, pydantic) load when a document is read, not before. Checked in a
fresh interpreter, by the modules loaded (a behaviour), never by a timing."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
READING = {"cv2", "numpy", "pdf2image", "PIL"}
# Powertools imports botocore's package for its user agent; sessions and clients are heavy.
AWS = {"boto3", "botocore.session", "aws_xray_sdk"}


def modules_loaded_by(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    names = set(out.split())
    return names | {name.split(".")[0] for name in names}


def test_help_loads_no_reading_library_and_no_pydantic():
    loaded = modules_loaded_by(
        "from medextract.cli import main\n"
        "try:\n    main(['extract', '--help'])\nexcept SystemExit:\n    pass"
    )
    assert "medextract" in loaded
    assert loaded.isdisjoint(READING | AWS | {"pydantic", "tqdm"})


def test_the_lambda_handlers_import_leaves_aws_clients_tracing_and_ocr_to_the_first_event():
    loaded = modules_loaded_by("import functions.extract.app")
    assert "aws_lambda_powertools" in loaded
    assert loaded.isdisjoint(READING | AWS)
