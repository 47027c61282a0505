"""Writes shared/medextract/data/drug_names.txt from the drug-named-entity-recognition package.

    .venv/bin/python scripts/drug_lexicon.py          # after upgrading the package

The package (MIT, Fast Data Science) ships a dictionary of drug names and their
variants, brand names among them, drawn from DrugBank, MeSH, MedlinePlus, the NHS and
Wikipedia. Loading it takes seconds (a bz2 pickle with molecular structures), so
medextract reads a plain list derived from it: every variant of one to four words
of letters, digits and hyphens, lower case. tests/unit/test_checks.py fails when the
committed list differs from the installed package's, so an upgrade is never half done.
"""

from __future__ import annotations

import bz2
import importlib.metadata
import importlib.util
import pickle
import re
import sys
from pathlib import Path

PACKAGE = "drug-named-entity-recognition"
TARGET = (
    Path(__file__).resolve().parent.parent / "shared" / "medextract" / "data" / "drug_names.txt"
)
_NAME = re.compile(r"[a-z][a-z0-9\-]*(?: [a-z0-9][a-z0-9\-]*){0,3}")


def lexicon_text() -> str:
    """The list as committed: a header naming its source, then one name a line."""
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or spec.origin is None:
        raise SystemExit(f"{PACKAGE} is not installed (it is a dev dependency: make deps)")
    # The dictionary is read without importing the package (its import loads it and more).
    data = Path(spec.origin).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(data, "rb") as f:
        variants = pickle.load(f)["drug_variant_to_canonical"]
    names = sorted({v for v in variants if len(v) >= 3 and _NAME.fullmatch(v)})
    version = importlib.metadata.version(PACKAGE)
    header = (
        f"# Drug names and their variants (brand names too), lower case, one a line: from\n"
        f"# {PACKAGE} {version} (MIT licence, (c) 2023 Fast Data Science Ltd),\n"
        f"# derived by scripts/drug_lexicon.py. Do not edit by hand.\n"
    )
    return header + "\n".join(names) + "\n"


def main() -> int:
    TARGET.write_text(lexicon_text())
    print(f"wrote {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
