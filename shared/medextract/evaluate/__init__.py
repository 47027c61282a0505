"""``medextract evaluate``: a labelled set of scans read as ``extract`` reads them, each
field scored against its truth; figures per form and field, document type,
straight-through rate, reliability by confidence band and the AUROC of confidence.

- ``truth``: the labelled set's format (and its JSON Schema), both layouts.
- ``score``: how values are compared, and the figures.
- ``text``, ``report``: the figures in a terminal, and as an offline HTML report.
- ``run``: the subcommand (reading through ``cli.read_all``).
- ``reviews``: a labelled set from the review store's reviewed items.

docs/evaluate.md is the user's guide.
"""

from medextract.evaluate.score import (
    DocumentScore,
    Evaluation,
    FieldScore,
    auroc,
    same,
    score_document,
)
from medextract.evaluate.truth import TruthEntry, TruthError, read_truth, sidecar_truth

__all__ = [
    "DocumentScore",
    "Evaluation",
    "FieldScore",
    "TruthEntry",
    "TruthError",
    "auroc",
    "read_truth",
    "same",
    "score_document",
    "sidecar_truth",
]
