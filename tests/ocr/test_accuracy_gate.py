"""The accuracy gate: clean copies of every layout variant come out exactly right.

A few generated documents of each form, together drawing every option of the layout
rows that change where a value lies (labels printed or not, a value beside its label
or under it, grey answer boxes, columns shifted, line spacing, the Rx mark, where the
medicines and directions sit, a signature), on clean damage. Each must be classified
right and have every field equal to the truth and not flagged: "right, or flagged" is
the promise for damaged pages, not for clean ones. Accuracy over a corpus is the
benchmark's job (``make bench``). The handwriting and the layouts the generator learnt for
issue 16 (``variants.BEFORE_ISSUE_16``) are held at what it drew before: they join this
gate when the reader reads them.
"""

import pytest
from medextract.extract import extract
from medextract_dev.synth import REAL, generate_document
from medextract_dev.synth.variants import BEFORE_ISSUE_16

SEED = 11

# (form, the options asked for; every other row is drawn). Damage is always clean.
CASES = [
    ("prescription", dict(REAL["prescription"])),
    (
        "prescription",
        {
            "rx_mark": "tall",
            "directions_position": "below",
            "medicines": "3",
            "direction_lines": "3",
            "signature": "signed",
            "column_shift": "left",
            "line_spacing": "tight",
            "address_shape": "us_state_zip",
        },
    ),
    (
        "prescription",
        {
            "medicines_position": "beside",
            "medicines": "2",
            "direction_lines": "5",
            "refill_style": "underscores",
            "header_rule": "ruled",
            "column_shift": "right",
            "line_spacing": "loose",
            "address_shape": "multi_line",
        },
    ),
    ("patient_details", dict(REAL["patient_details"])),
    (
        "patient_details",
        {
            "info_labels": "printed",
            "contact_label": "printed",
            "value_position": "beside",
            "answer_boxes": "plain",
            "record_date_label": "printed",
            "expiry_column": "left",
            "contact_phones": "filled",
            "page_numbers": "printed",
            "column_shift": "left",
            "line_spacing": "tight",
        },
    ),
    (
        "patient_details",
        {
            "info_labels": "none",
            "contact_label": "printed",
            "value_position": "mixed",
            "label_tone": "black",
            "column_shift": "right",
            "line_spacing": "loose",
            "address_shape": "multi_line",
        },
    ),
]


@pytest.mark.parametrize("index", range(len(CASES)), ids=lambda i: f"{CASES[i][0]}-{i}")
def test_clean_copy_of_each_layout_is_exactly_right_and_unflagged(index):
    form, variant = CASES[index]
    doc = generate_document(
        SEED,
        index,
        doc_type=form,
        fmt="pdf",
        variant={**BEFORE_ISSUE_16[form], **variant, "damage": "clean"},
    )
    result = extract(doc.data, doc.filename)
    assert result.document_type.value == form
    off = {
        name
        for name, want in doc.truth.fields.items()
        if result.fields[name].value != want or result.fields[name].needs_review
    }
    assert off == set(), doc.truth.variant
