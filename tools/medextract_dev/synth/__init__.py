"""A synthetic corpus of the two forms, with ground truth, deterministic by seed.

    from medextract_dev.synth import generate_document, generate_corpus, bad_inputs
    doc = generate_document(seed=7, index=0)          # doc.data, doc.filename, doc.truth
    doc = generate_document(7, 0, doc_type="prescription", variant={"rx_mark": "tall"})
    doc.truth.variant                                  # {"rx_mark": "tall", "damage": ..., ...}
    doc = generate_document(7, 0, variant={"values": "handwriting", "ink": "blue"})
    doc = generate_document(7, 0, fonts="holdout")     # handwriting faces never tuned on
    generate_corpus(Path("out/corpus"), seed=7, count=60)
    bad_inputs(Path("out/bad"))                       # {"EMPTY_FILE": Path(...), ...}

``python -m medextract_dev.synth --seed 7 --count 60 --out DIR`` does the same from a shell
(``--fonts holdout`` for a held-out corpus: ``fonts.HOLDOUT_PACKAGES``, reports only).
Tests, ``make bench`` and ``make demo`` use it; the extraction core is tuned on one
seed and reported on another.
"""

from medextract_dev.synth.bad import bad_inputs
from medextract_dev.synth.generate import (
    DOCUMENT_TYPES,
    FIELD_TYPES,
    FORMATS,
    PAGE2_FIELDS,
    GeneratedDocument,
    GroundTruth,
    generate_corpus,
    generate_document,
    load_truth,
)
from medextract_dev.synth.variants import REAL, TABLES

__all__ = [
    "DOCUMENT_TYPES",
    "FIELD_TYPES",
    "FORMATS",
    "PAGE2_FIELDS",
    "REAL",
    "TABLES",
    "GeneratedDocument",
    "GroundTruth",
    "bad_inputs",
    "generate_corpus",
    "generate_document",
    "load_truth",
]
