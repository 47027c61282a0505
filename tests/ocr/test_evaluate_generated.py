"""``medextract evaluate`` on the generator's own folder (NAME.truth.json beside each
scan), read by the real engine in two processes: the figures add up, a value the truth
disagrees with is found, and the report crops its box from the page."""

import json

from medextract.cli import main
from medextract_dev.synth import generate_corpus

SEED = 11


def test_a_generated_folder_is_scored_and_a_planted_error_is_found_with_its_crop(tmp_path, capsys):
    # Given the generator's folder of two documents, one truth changed to a name the
    # page does not show (the reading will be right, so the truth says it is wrong)
    corpus = tmp_path / "corpus"
    docs = generate_corpus(corpus, SEED, 2, degrade=False)
    planted = docs[0]
    sidecar = corpus / f"{planted.filename}.truth.json"
    truth = json.loads(sidecar.read_text())
    truth["fields"]["patient_name"] = "Nobody Atall"
    sidecar.write_text(json.dumps(truth))
    report = tmp_path / "report"
    # When it is evaluated two documents at once, with a report
    status = main(
        ["evaluate", str(corpus), "--json", "--jobs", "2", "--report", str(report),
         "--fail-on-silent"]
    )  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    # Then every document and value is counted, and the planted value is the one wrong
    summary = data["summary"]
    assert summary["documents"] == 2 and summary["document_type"]["right"] == 2
    present = sum(v is not None for d in docs for v in d.truth.fields.values())
    assert summary["fields"]["values"] == present
    wrong = [(w["document"], w["field"]) for w in data["wrong"]]
    assert (planted.filename, "patient_name") in wrong
    planted_row = next(w for w in data["wrong"] if w["field"] == "patient_name")
    assert planted_row["value"] == planted.truth.fields["patient_name"]  # read right
    # A confident right reading is unflagged: for the truth, a silent error (exit 1)
    assert status == (1 if summary["fields"]["wrong_unflagged"] else 0)
    assert planted_row["box"] is not None
    # And the report shows the crop of its box
    html = (report / "index.html").read_text()
    card = html.split(f'data-document="{planted.filename}" data-field="patient_name"')[1]
    assert card.split("</div>")[0].count('<img class="crop"') == 1
