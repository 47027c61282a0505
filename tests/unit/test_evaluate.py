"""medextract evaluate: how values are compared, how fields are counted, the figures,
the truth's two layouts, the subcommand and its report. No document is read: results
are built here, or extract_pages is replaced by a fake that returns them."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from medextract.cli import main
from medextract.evaluate import Evaluation, TruthEntry, TruthError, auroc, read_truth, same
from medextract.evaluate.report import render_html
from medextract.evaluate.score import reliability, score_document
from medextract.evaluate.text import render
from medextract.evaluate.truth import SCHEMA_PATH, json_schema, sidecar_truth
from medextract.extract import Extraction
from medextract.forms import SPECS
from medextract.preprocess import PreparedPage
from medextract.result import (
    BoundingBox,
    DocumentType,
    ExtractedField,
    Result,
    ReviewReason,
    Source,
    Timings,
)

RX = {s.name: s for s in SPECS[DocumentType.PRESCRIPTION]}
RECORD = {s.name: s for s in SPECS[DocumentType.PATIENT_DETAILS]}


def field(value, *, confidence=0.97, flagged=False, iso=None, page=1, box=None):
    return ExtractedField(
        value=value,
        text=None if value is None else str(value),
        iso=iso,
        confidence=confidence,
        page=page if value is not None else None,
        box=box,
        needs_review=flagged,
        review_reasons=[ReviewReason.LOW_OCR_CONFIDENCE] if flagged else [],
    )


def result(doc_type="prescription", missing_pages=(), **fields):
    return Result(
        source=Source(name="x", sha256="0" * 64, media_type="application/pdf", page_count=1),
        document_type=DocumentType(doc_type),
        document_type_confidence=1.0,
        fields=fields,
        needs_review=any(f.needs_review for f in fields.values()),
        missing_pages=list(missing_pages),
        pages=[],
        timings=Timings(load_seconds=0, pages_seconds=0, parse_seconds=0, total_seconds=0),
        engine="fake",
    )


def truth(doc_type="prescription", **fields):
    return TruthEntry(document_type=DocumentType(doc_type), fields=fields)


# ---------------------------------------------------------------- comparison


def test_strings_match_after_folding_whitespace_and_line_breaks_but_case_counts():
    assert same(RX["patient_name"], "Virat Kohli", " Virat   Kohli ", None)
    assert same(RX["directions"], "Take one\ndaily", "Take one daily", None)
    assert not same(RX["patient_name"], "Virat Kohli", "virat kohli", None)


def test_a_composed_and_a_decomposed_accent_are_the_same_string():
    assert same(RX["patient_name"], "Jos\u00e9 Diaz", "Jose\u0301 Diaz", None)


def test_numbers_and_booleans_are_typed_true_is_not_one():
    assert same(RECORD["weight"], 57, 57, None)
    assert not same(RECORD["weight"], 57, "57", None)
    assert not same(RECORD["weight"], 1, True, None)
    assert same(RECORD["hepatitis_b_vaccination"], True, True, None)
    assert not same(RECORD["hepatitis_b_vaccination"], True, 1, None)


def test_dates_are_compared_by_their_iso_in_the_forms_own_order():
    # The prescription prints month/day/year: 2/05/2022 is 5 February.
    assert same(RX["prescription_date"], "2/05/2022", "2/5/2022", "2022-02-05")
    assert not same(RX["prescription_date"], "2/05/2022", "2/05/2022", "2022-05-02")
    # The record prints day/month/year; a truth may also be written in ISO.
    assert same(RECORD["record_date"], "17/12/2020", "17/12/2020", "2020-12-17")
    assert same(RECORD["birth_date"], "1998-05-02", "May 2 1998", "1998-05-02")


def test_a_date_the_result_could_not_turn_into_iso_is_wrong_even_if_printed_alike():
    assert not same(RX["prescription_date"], "2/05/2022", "2/05/2022", None)


def test_lists_match_item_by_item_in_order():
    spec = RX["medicines"]
    assert same(spec, ["Omeprazole 40 mg"], ["Omeprazole  40 mg"], None)
    assert not same(spec, ["A 1 mg", "B 2 mg"], ["B 2 mg", "A 1 mg"], None)
    assert not same(spec, ["A 1 mg", "B 2 mg"], ["A 1 mg"], None)


def test_null_truth_is_right_only_when_nothing_was_read():
    assert same(RX["refills"], None, None, None)
    assert not same(RX["refills"], None, 3, None)
    assert not same(RX["refills"], 3, None, None)


# ---------------------------------------------------------------- counting


def test_each_outcome_is_counted_in_its_own_column():
    scored = score_document(
        "a.pdf",
        truth(patient_name="Ann Lee", refills=2, prescriber="Dr A Bee, M.D", directions="Once"),
        result(
            patient_name=field("Ann Lee"),
            refills=field(3),  # wrong, not flagged
            prescriber=field("Dr A Bee, MD", flagged=True, confidence=0.3),  # wrong, flagged
            directions=field("Once", flagged=True, confidence=0.4),  # right, flagged
        ),
    )
    evaluation = Evaluation([scored])
    summary = evaluation.summary()["fields"]
    assert (summary["values"], summary["right"]) == (4, 2)
    assert (summary["wrong_unflagged"], summary["wrong_flagged"]) == (1, 1)
    assert summary["flagged_right"] == 1
    assert [s.name for s in evaluation.silent] == ["refills"]
    assert not scored.straight_through


def test_a_field_on_a_page_not_sent_is_no_value_whatever_the_truth_says():
    # A two-page record sent as one image: page 2's fields are null, unflagged, and the
    # result names page 2 missing. The truth (from the paper) still has the value.
    scored = score_document(
        "r.jpg",
        truth("patient_details", patient_name="Ann Lee", policy_number="123456"),
        result(
            "patient_details",
            missing_pages=[2],
            patient_name=field("Ann Lee"),
            policy_number=ExtractedField(value=None, confidence=1.0, needs_review=False),
        ),
    )
    figures = Evaluation([scored]).summary()["fields"]
    assert (figures["values"], figures["right"], figures["not_sent"]) == (1, 1, 1)
    assert figures["wrong_unflagged"] == 0


def test_a_value_read_for_a_page_not_sent_is_scored_as_a_value():
    scored = score_document(
        "r.jpg",
        truth("patient_details", policy_number=None),
        result("patient_details", missing_pages=[2], policy_number=field("999999")),
    )
    assert Evaluation([scored]).summary()["fields"]["wrong_unflagged"] == 1


def test_a_field_the_result_lacks_is_flagged_only_if_the_document_is():
    # Read as the other form and sent straight through: its missing fields are silent.
    quiet = score_document(
        "a.pdf",
        truth(refills=2),
        result("patient_details", patient_name=field("Ann Lee")),
    )
    assert quiet.fields[0].wrong and not quiet.fields[0].flagged
    assert not quiet.type_right
    flagged = score_document(
        "a.pdf",
        truth(refills=2),
        result("patient_details", weight=field(5, flagged=True)),
    )
    assert flagged.fields[0].flagged


def test_an_unreadable_scan_scores_no_field_and_counts_against_type_and_straight_through():
    evaluation = Evaluation([score_document("bad.pdf", truth(refills=2), None, "CORRUPT_DOCUMENT")])
    summary = evaluation.summary()
    assert summary["failed"] == 1
    assert summary["document_type"]["right"] == 0
    assert summary["straight_through"]["documents"] == 0
    assert summary["fields"]["values"] == 0


# ---------------------------------------------------------------- figures


def test_auroc_counts_right_above_wrong_and_ties_as_half():
    # Pairs: .9>.8, .9>.1, .8=.8 (half), .8>.1: 3.5 of 4.
    assert auroc([0.9, 0.8], [0.8, 0.1]) == pytest.approx(0.875)
    assert auroc([0.5, 0.5], [0.5]) == pytest.approx(0.5)
    assert auroc([0.1], [0.9]) == 0.0
    assert auroc([0.9], []) is None


def test_auroc_agrees_with_counting_every_pair():
    rng = np.random.default_rng(3)
    right = list(np.round(rng.random(40), 1))
    wrong = list(np.round(rng.random(25), 1))
    pairs = sum((r > w) + 0.5 * (r == w) for r in right for w in wrong)
    assert auroc(right, wrong) == pytest.approx(pairs / (40 * 25))


def test_reliability_puts_each_value_in_its_band_flagged_or_not():
    scored = score_document(
        "a.pdf",
        truth(patient_name="Ann Lee", refills=2, prescriber="Dr A Bee, M.D"),
        result(
            patient_name=field("Ann Lee", confidence=0.96),
            refills=field(2, confidence=0.85),
            prescriber=field("Dr A Bee, MD", confidence=0.2, flagged=True),
        ),
    )
    rows = {(r["band"], r["flagged"]): r for r in reliability(list(scored.fields))}
    assert (rows[("0.95-1.00", False)]["values"], rows[("0.95-1.00", False)]["right"]) == (1, 1)
    assert rows[("0.80-0.90", False)]["values"] == 1
    assert (rows[("0.00-0.50", True)]["values"], rows[("0.00-0.50", True)]["right"]) == (1, 0)
    assert sum(r["values"] for r in rows.values()) == 3


def test_variant_labels_give_each_option_its_own_row():
    one = TruthEntry(
        document_type=DocumentType.PRESCRIPTION, fields={"refills": 2}, variant={"font": "Cabin"}
    )
    two = TruthEntry(
        document_type=DocumentType.PRESCRIPTION, fields={"refills": 2}, variant={"font": "Hand"}
    )
    evaluation = Evaluation(
        [
            score_document("a", one, result(refills=field(2))),
            score_document("b", two, result(refills=field(3))),
        ]
    )
    rows = {r["option"]: r for r in evaluation.groups()}
    assert rows["Cabin"]["right"] == 1 and rows["Hand"]["wrong_unflagged"] == 1
    printed: list[str] = []
    render(evaluation, printed.append)
    assert any(re.match(r"font=Hand\s+1\s+1\s+0\.0 %\s+0\s+1\s+1$", line) for line in printed)


# ---------------------------------------------------------------- the truth file


def test_the_committed_truth_schema_is_current():
    assert json.loads(SCHEMA_PATH.read_text()) == json_schema()


def test_a_misspelt_field_name_is_refused_naming_the_field_not_a_value(tmp_path):
    path = tmp_path / "truth.json"
    path.write_text(
        json.dumps({"a.pdf": {"document_type": "prescription", "fields": {"refils": 7}}})
    )
    with pytest.raises(TruthError, match="refils") as error:
        read_truth(path)
    assert "7" not in str(error.value).replace(str(tmp_path), "")


def test_a_wrongly_typed_entry_is_refused_without_echoing_its_value(tmp_path):
    path = tmp_path / "truth.json"
    path.write_text(json.dumps({"a.pdf": {"document_type": "letter", "fields": {"refills": 2}}}))
    with pytest.raises(TruthError, match="document_type") as error:
        read_truth(path)
    assert "letter" not in str(error.value)


def test_the_generators_sidecar_layout_is_read_as_the_same_entries(tmp_path):
    scan = tmp_path / "doc_7_0000.png"
    scan.write_bytes(b"png")
    (tmp_path / "doc_7_0000.png.truth.json").write_text(
        json.dumps(
            {
                "document_type": "prescription",
                "format": "png",
                "pages": 1,
                "ppi": 200,
                "rotation": 0,
                "degradations": [],
                "fields": {"refills": 2},
                "variant": {"damage": "clean"},
            }
        )
    )
    entries = sidecar_truth([("doc_7_0000.png", scan)])
    assert entries["doc_7_0000.png"].fields == {"refills": 2}
    assert entries["doc_7_0000.png"].variant == {"damage": "clean"}


# ---------------------------------------------------------------- the subcommand


@pytest.fixture
def labelled(tmp_path, monkeypatch):
    """Two scans in a folder with a truth file; the reading returns fixed results, and
    a prepared page whose box holds a recognisable patch of grey."""
    folder = tmp_path / "scans"
    (folder / "ward").mkdir(parents=True)
    (folder / "a.pdf").write_bytes(b"%PDF-1.4 a")
    (folder / "ward" / "b.pdf").write_bytes(b"%PDF-1.4 b")
    (folder / "truth.json").write_text(
        json.dumps(
            {
                "a.pdf": {"document_type": "prescription", "fields": {"refills": 2}},
                "ward/b.pdf": {
                    "document_type": "prescription",
                    "fields": {"refills": 3, "patient_name": "Ann Lee"},
                },
            }
        )
    )
    grey = np.full((200, 100), 255, dtype=np.uint8)
    page = PreparedPage(grey=grey, binary=grey, rotation=0, skew=0.0, scale=1.0)
    box = BoundingBox(left=0.2, top=0.5, width=0.3, height=0.1)
    results = {
        "a.pdf": result(refills=field(2)),
        "b.pdf": result(
            refills=field(5, box=box),  # wrong and not flagged
            patient_name=field("Ann Lee", flagged=True, confidence=0.4),
        ),
    }

    def extract_pages(data, name, doc_type=None, **_):
        return Extraction(results[name], [page])

    monkeypatch.setattr("medextract.extract.extract_pages", extract_pages)
    return folder


def test_json_figures_count_a_silent_wrong_value(labelled, capsys):
    status = main(["evaluate", str(labelled), "--truth", str(labelled / "truth.json"),
                   "--json", "--jobs", "1"])  # fmt: skip
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["fields"]["values"] == 3
    assert data["summary"]["fields"]["wrong_unflagged"] == 1
    assert data["summary"]["fields"]["flagged_right"] == 1
    assert data["summary"]["straight_through"]["documents"] == 1
    assert [(w["document"], w["field"]) for w in data["wrong"]] == [("ward/b.pdf", "refills")]


def test_fail_on_silent_exits_1_when_a_wrong_value_is_unflagged(labelled, capsys):
    args = ["evaluate", str(labelled), "--truth", str(labelled / "truth.json"), "--jobs", "1"]
    assert main([*args, "--fail-on-silent"]) == 1
    assert "1 wrong value(s) not flagged" in capsys.readouterr().err


def test_the_printed_figures_name_the_silent_column(labelled, capsys):
    main(["evaluate", str(labelled), "--truth", str(labelled / "truth.json"), "--jobs", "1"])
    out = capsys.readouterr().out
    assert "WRONG AND UNFLAGGED: 1" in out
    assert re.search(r"prescription\s+refills\*\s+2\s+1\s+0\s+1\s+0\s+0", out)


def test_a_truth_entry_naming_no_scan_is_refused_before_reading(labelled, capsys):
    truth_path = labelled / "truth.json"
    data = json.loads(truth_path.read_text())
    data["gone.pdf"] = data["a.pdf"]
    truth_path.write_text(json.dumps(data))
    assert main(["evaluate", str(labelled), "--truth", str(truth_path)]) == 66
    assert "gone.pdf" in capsys.readouterr().err


def test_the_report_is_one_offline_file_with_a_crop_of_every_wrong_value(labelled, tmp_path):
    report = tmp_path / "report"
    args = ["evaluate", str(labelled), "--truth", str(labelled / "truth.json"), "--jobs", "1"]
    assert main([*args, "--report", str(report)]) == 0
    html = (report / "index.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<script" not in html
    cards = re.findall(r'<div class="wrong"[^>]*data-field="([^"]+)"[^>]*>.*?</div>', html, re.S)
    assert cards == ["refills"]
    assert html.count("data:image/png;base64,") == 1
    assert '<img class="crop"' in html


def test_a_wrong_value_that_was_not_found_shows_its_whole_page_small():
    from medextract.evaluate.run import _crops

    scored = score_document("a.pdf", truth(refills=2), result(refills=field(None, flagged=True)))
    grey = np.full((2200, 1700), 255, dtype=np.uint8)
    page = PreparedPage(grey=grey, binary=grey, rotation=0, skew=0.0, scale=1.0)
    crops = _crops(scored, [page])
    assert crops[("a.pdf", "refills")].whole
    html = render_html(Evaluation([scored]), crops)
    assert '<img class="page"' in html and "not found: page 1" in html


def test_a_worker_keeps_the_pages_only_when_asked(labelled):
    from medextract.cli import _read_in_worker

    scan = labelled / "a.pdf"
    assert _read_in_worker(scan, None).pages == []
    assert len(_read_in_worker(scan, None, keep_pages=True).pages) == 1


# ---------------------------------------------------------------- tables


def _line(charges: str, code: str = "99213") -> dict[str, object]:
    return {
        "date_from": "01 19 25",
        "date_to": "01 19 25",
        "place_of_service": "11",
        "procedure_code": code,
        "modifiers": [],
        "diagnosis_pointer": "A",
        "charges": charges,
        "units": 1,
        "rendering_npi": "1234567893",
    }


def _read_line(line: dict[str, object], flagged: tuple[str, ...] = ()) -> dict[str, ExtractedField]:
    return {
        name: field(value, flagged=name in flagged, iso="2025-01-19" if "date" in name else None)
        for name, value in line.items()
    }


def _claim_scores(truth_rows, read_rows):
    from medextract.boxes import table_field

    got = result("cms1500", service_lines=table_field(read_rows))
    scored = score_document("c.png", truth("cms1500", service_lines=truth_rows), got)
    return {(s.row, s.name.split(".")[1]): s for s in scored.fields}


def test_a_table_is_scored_cell_by_cell_and_an_unflagged_wrong_cell_is_silent():
    read = [_read_line(_line("100.00")), _read_line(_line("25.50") | {"charges": "26.50"})]
    scores = _claim_scores([_line("100.00"), _line("25.50")], read)
    assert len(scores) == 18 and all(s.name.startswith("service_lines.") for s in scores.values())
    wrong = [key for key, s in scores.items() if s.wrong]
    assert wrong == [(1, "charges")]
    assert not scores[(1, "charges")].flagged
    assert scores[(0, "charges")].core and not scores[(0, "modifiers")].core


def test_a_missing_row_is_wrong_flagged_as_its_table_and_an_extra_row_is_wrong():
    flagged_table = [_read_line(_line("100.00"), flagged=("units",))]
    scores = _claim_scores([_line("100.00"), _line("25.50")], flagged_table)
    missed = [s for (row, _), s in scores.items() if row == 1]
    assert len(missed) == 9 and all(s.wrong and s.flagged for s in missed)

    extra = [_read_line(_line("100.00")), _read_line(_line("25.50"))]
    scores = _claim_scores([_line("100.00")], extra)
    assert [key for key, s in scores.items() if s.wrong] == [(1, c) for c in _line("1")]
    assert not any(s.flagged for s in scores.values())  # a row read from nothing: silent

    seen = [_read_line(_line("100.00")), _read_line(_line("25.50"), flagged=("charges",))]
    scores = _claim_scores([_line("100.00")], seen)
    assert all(s.wrong and s.flagged for (row, _), s in scores.items() if row == 1)


def test_per_field_figures_name_a_tables_columns():
    evaluation = Evaluation()
    from medextract.boxes import table_field

    got = result("cms1500", service_lines=table_field([_read_line(_line("100.00"))]))
    evaluation.add(score_document("c.png", truth("cms1500", service_lines=[_line("1.00")]), got))
    rows = {r["field"]: r for r in evaluation.per_field()}
    assert rows["service_lines.charges"]["wrong_unflagged"] == 1
    assert rows["service_lines.procedure_code"]["right"] == 1
    assert evaluation.per_form()[0]["core"]["values"] > 0


def test_a_wrong_cell_is_listed_as_the_record_names_it():
    from medextract.boxes import table_field

    evaluation = Evaluation()
    got = result("cms1500", service_lines=table_field([_read_line(_line("100.00"))]))
    evaluation.add(score_document("c.png", truth("cms1500", service_lines=[_line("1.00")]), got))
    assert [w["field"] for w in evaluation.as_json()["wrong"]] == ["service_lines[0].charges"]
