"""The prescription: a one-page form printed in a handwriting-style font."""

from __future__ import annotations

import re

from medextract import normalise as n
from medextract.fields import FieldSpec, Locate

# Phrases only this form prints ("Name:", "Date:", "Address:" are on the record too).
MARKERS = ("Directions:", "Refill:", "times", "Phone")


def _is_medicine_line(text: str) -> bool:
    """Drop the large Rx mark, which OCR reads as 'K', 'R', 'Px', '|' or a symbol."""
    letters = re.sub(r"[^A-Za-z0-9]", "", text)
    return len(letters) > 3


def _strip_rx(text: str) -> n.Normalised:
    """A medicine line, minus an Rx mark read as a short token at its start."""
    words = text.split()
    while words and len(words) > 2 and (len(words[0]) <= 2 and not words[0][:1].isdigit()):
        words = words[1:]
    return n.MEDICINE(" ".join(words))


EXTRA_LABELS: tuple[str, ...] = ()

SPECS = (
    FieldSpec("prescriber", Locate.TOP_LINE, n.PRESCRIBER),
    FieldSpec("patient_name", Locate.RIGHT_OR_BELOW, n.PERSON, label="Name:", core=True),
    FieldSpec("prescription_date", Locate.RIGHT_OR_BELOW, n.date_numeric("mdy"), label="Date:"),
    FieldSpec("patient_address", Locate.RIGHT_OR_BELOW, n.ADDRESS, label="Address:", core=True),
    FieldSpec(
        "medicines",
        Locate.LINES_AFTER,
        _strip_rx,
        label="Address:",
        stop=("Directions:",),
        core=True,
        many=True,
        max_lines=8,
        same_row=False,
        line_filter=_is_medicine_line,
        drop_tall=True,
    ),
    FieldSpec(
        "directions",
        Locate.LINES_AFTER,
        n.DIRECTIONS,
        label="Directions:",
        stop=("Refill:",),
        core=True,
        join="\n",
        max_lines=8,
    ),
    FieldSpec("refills", Locate.RIGHT_OR_BELOW, n.refills, label="Refill:", core=True),
)
