"""What real copies of the two forms vary in: one table per form, each choice named.

Every document draws one option per row (weights as given) from its own random
stream, so asking for one option (``generate_document(..., variant={"rx_mark": "tall"})``)
changes that choice only: the patient, the other choices and the damage stay the same.
The first option of each row is what the real copies (the README's "Measuring")
show; ``REAL`` collects them. The chosen options are written to the ground truth's
``variant`` mapping, with the entries of ``REPORTED``, which cannot be asked for (except
``hand_font``, the handwriting face, which ``generate_document`` takes from its font set).
"""

from __future__ import annotations

import random
from collections.abc import Mapping

Options = tuple[tuple[str, float], ...]

# Both forms.
COMMON: dict[str, Options] = {
    # clean: no damage at all; moderate: a scan or photo without blur, folds, curls,
    # glare or a bent page; heavy: everything degrade.py can do.
    "damage": (("clean", 0.25), ("moderate", 0.4), ("heavy", 0.35)),
    "line_spacing": (("normal", 0.6), ("tight", 0.2), ("loose", 0.2)),
    "column_shift": (("none", 0.6), ("left", 0.2), ("right", 0.2)),
}

RECORD: dict[str, Options] = {
    # Name/phone/address under "Patient Information": the real form prints no label.
    "info_labels": (("none", 0.6), ("printed", 0.4)),
    # The emergency contact's name: the real form prints no "Name:" label.
    "contact_label": (("none", 0.6), ("printed", 0.4)),
    # A value on the line below its label (the real form) or beside it.
    "value_position": (("below", 0.6), ("beside", 0.25), ("mixed", 0.15)),
    # IMMUNE / NOT IMMUNE / Yes / No in light grey boxes (the real form) or plain.
    "answer_boxes": (("grey", 0.65), ("plain", 0.35)),
    # The record date alone at the top right (the real form) or after "Date:".
    "record_date_label": (("none", 0.7), ("printed", 0.3)),
    # Page 2: "Expiry Date:" under the insurer's address in the right column (the
    # real form) or under the policy number in the left column.
    "expiry_column": (("right", 0.7), ("left", 0.3)),
    # Home/work phone of the emergency contact: labels only (the real form) or filled.
    "contact_phones": (("blank", 0.7), ("filled", 0.3)),
    "page_numbers": (("none", 0.7), ("printed", 0.3)),
    "label_tone": (("grey", 0.7), ("black", 0.3)),
    "form_font": (
        ("Roboto", 0.55),
        ("Open Sans", 0.15),
        ("Liberation Sans", 0.15),
        ("DejaVu Sans", 0.15),
    ),
    # The face of the filled-in values (typed in the form's face on the real copy).
    "value_font": (
        ("Roboto", 0.5),
        ("Open Sans", 0.1),
        ("Liberation Sans", 0.1),
        ("Carlito", 0.1),
        ("Comic Neue", 0.1),
        ("Comic Neue Light", 0.1),
    ),
    "address_shape": (
        ("zip_then_country", 0.3),
        ("us_state_zip", 0.25),
        ("us_no_state_zip", 0.1),
        ("outside_us", 0.15),
        ("multi_line", 0.2),
    ),
}

PRESCRIPTION: dict[str, Options] = {
    "value_font": (
        ("Carlito", 0.35),
        ("Cabin", 0.15),
        ("Comic Neue", 0.2),
        ("Comic Neue Bold", 0.1),
        ("Comic Neue Italic", 0.1),
        ("Comic Neue Light", 0.1),
    ),
    # The printed words (header, labels): the values' face (the real copy is typed in
    # one face) or a plain sans.
    "form_font": (("same", 0.7), ("Open Sans", 0.15), ("Liberation Sans", 0.15)),
    "address_shape": (
        ("outside_us", 0.3),
        ("us_state_zip", 0.2),
        ("us_state", 0.15),
        ("us_no_state_zip", 0.1),
        ("zip_then_country", 0.15),
        ("multi_line", 0.1),
    ),
    "medicines": (("1", 0.4), ("2", 0.3), ("3", 0.2), ("4", 0.1)),
    "direction_lines": (("1", 0.4), ("2", 0.25), ("3", 0.15), ("4", 0.1), ("5", 0.1)),
    # The real mark is short: a serif R and x about twice the text's height.
    "rx_mark": (("short", 0.6), ("tall", 0.4)),
    # "Directions:" with its text beside it (the real copy) or from the line below.
    "directions_position": (("beside", 0.6), ("below", 0.4)),
    # The medicines below the mark (the real copy) or beside it.
    "medicines_position": (("below", 0.6), ("beside", 0.4)),
    "header_rule": (("none", 0.7), ("ruled", 0.3)),
    # "Refill: _3_ times": the number on an underline (the real copy) or in underscores.
    "refill_style": (("underlined", 0.6), ("underscores", 0.4)),
    "signature": (("none", 0.6), ("signed", 0.4)),
}

# Rows added for issue 16. They are drawn after every older row, so a seed's older choices
# stay what they were; their first options draw what the generator drew before them.
WRITING: dict[str, Options] = {
    # Whose pen: the pen's ink when values are written by hand (``hand.py``); typed values
    # stay in the form's ink. The face is drawn from the font set asked for (``fonts.hands``).
    "ink": (("black", 0.5), ("blue", 0.5)),
    # A hand or phone shadow over the page, as on returned scans: the damage recipe's own
    # (a soft blob or gradient, when it draws one), an arm and hand reaching in from an edge,
    # or the hard edge of the phone itself. Not ``recipe``: a photo with that shadow
    # (unless the damage is ``clean``).
    "shadow": (("recipe", 0.8), ("arm", 0.12), ("phone_edge", 0.08)),
}
PRESCRIPTION_WRITING: dict[str, Options] = {
    # The filled-in values typed (the real copy), written by hand, or each field either way.
    "values": (("print", 0.55), ("handwriting", 0.35), ("mixed", 0.1)),
    # "Name:", "Date:", "Address:", "Directions:", "Refill:" in the form's face or bold.
    "label_weight": (("regular", 0.7), ("bold", 0.3)),
}
RECORD_WRITING: dict[str, Options] = {
    "values": (("print", 0.7), ("handwriting", 0.2), ("mixed", 0.1)),
    # Answer boxes as drawn before (tight, under the label) or as the returned scans show
    # them: more padding, a clear gap under their label.
    "box_style": (("tight", 0.6), ("roomy", 0.4)),
    # Which column holds which answer of "General Medical History".
    "history_columns": (("chicken_pox_left", 0.7), ("measles_left", 0.3)),
    # Page 2's "Do you have medical insurance?": under both columns, or in the left column
    # level with the right column's expiry date (the returned scans).
    "insurance_question": (("below", 0.6), ("left_column", 0.4)),
    # A rule across the top of page 2 (the returned scans).
    "top_rule": (("none", 0.6), ("ruled", 0.4)),
    # The patient's name, phone and birth date in the values' bold face (the returned and
    # real scans) or regular.
    "value_weight": (("regular", 0.6), ("bold_first", 0.4)),
}

# The CMS-1500 claim (``cms1500.py``): drawn only when asked for (``--type cms1500``).
CMS1500: dict[str, Options] = {
    "damage": COMMON["damage"],
    **WRITING,
    "values": (("print", 0.7), ("handwriting", 0.15), ("mixed", 0.15)),
    # The fill-ins: a printer's monospace (most claims) or a print face.
    "value_font": (
        ("Liberation Mono", 0.5),
        ("DejaVu Sans Mono", 0.2),
        ("Liberation Sans", 0.15),
        ("DejaVu Sans", 0.15),
    ),
    # The printer's paper feed: on the form's grid, or offset (a few px to half a line).
    "alignment": (("aligned", 0.6), ("offset", 0.4)),
    # Box 21's codes without the dot (as the NUCC manual asks) or with it.
    "dx_dot": (("none", 0.8), ("printed", 0.2)),
    # How many of box 24's six lines are filled.
    "lines": (("1", 0.25), ("2", 0.25), ("3", 0.2), ("4", 0.12), ("5", 0.1), ("6", 0.08)),
}

TABLES: dict[str, dict[str, Options]] = {
    "prescription": {**COMMON, **PRESCRIPTION, **WRITING, **PRESCRIPTION_WRITING},
    "patient_details": {**COMMON, **RECORD, **WRITING, **RECORD_WRITING},
    "cms1500": CMS1500,
}

# The real copies' own choices, per form.
REAL: dict[str, dict[str, str]] = {
    doc_type: {name: options[0][0] for name, options in table.items()}
    for doc_type, table in TABLES.items()
}

# What the generator drew before the rows added for issue 16 (typed values, the answer boxes
# and page 2 as before, the recipe's shadows): ask for it to keep a layout the reader was
# tuned on. ``REAL`` includes it.
BEFORE_ISSUE_16: dict[str, dict[str, str]] = {
    doc_type: {name: options[0][0] for name, options in rows.items()}
    for doc_type, rows in (
        ("prescription", {**WRITING, **PRESCRIPTION_WRITING}),
        ("patient_details", {**WRITING, **RECORD_WRITING}),
    )
}

# Rows the truth reports that describe the capture rather than the drawing, and the fonts
# and ink the values were written in (``generate.generate_document``).
REPORTED = (
    "ppi_band",
    "jpeg_quality",
    "font_set",
    "value_font_package",
    "hand_font",
    "hand_font_package",
)


def choose(
    rng: random.Random, doc_type: str, asked: Mapping[str, str] | None = None
) -> dict[str, str]:
    """One option per row of ``doc_type``'s table, then the ``asked`` options over them.

    Every row is drawn whatever is asked, so asking changes nothing else.
    """
    table = TABLES[doc_type]
    chosen = {
        name: rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]
        for name, options in table.items()
    }
    for name, option in (asked or {}).items():
        if name not in table:
            raise ValueError(f"{doc_type} has no variant {name!r}; use one of {sorted(table)}")
        allowed = [o for o, _ in table[name]]
        if option not in allowed:
            raise ValueError(f"variant {name!r} has no option {option!r}; use one of {allowed}")
        chosen[name] = option
    return chosen


def ppi_band(ppi: int) -> str:
    return "150-199" if ppi < 200 else "200-249" if ppi < 250 else "250-330"


def jpeg_band(quality: int | None) -> str:
    """The lowest JPEG quality a page went through, in three bands."""
    if quality is None:
        return "none"
    return "low (40-74)" if quality < 75 else "medium (75-89)" if quality < 90 else "high (90-95)"
