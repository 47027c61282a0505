"""``medextract evaluate --from-reviews`` on moto: a reviewed document of the pipeline
becomes a labelled set (truth in evaluate's format, and its scan), ready to evaluate."""

from __future__ import annotations

import json
import stat

import pytest
from medextract.evaluate.reviews import labelled_set, write
from medextract.evaluate.run import pair
from medextract.evaluate.truth import read_truth
from medextract.review.models import Submission
from medextract.review.settings import get_review_settings
from medextract.review.store import ReviewTable
from medextract_dev.review_local import DEV_REVIEWER, local_environment, local_service

from tests.functional.conftest import embedded_aws
from tests.functional.review_support import seed


@pytest.fixture
def reviewed(monkeypatch):
    """Two flagged prescriptions through the pipeline; the first reviewed, with the
    flagged refills corrected from 25 to 2 and the directions confirmed."""
    with embedded_aws(monkeypatch, "medextract-eval") as env:
        ids = seed(env, 2)
        for name, value in local_environment(env.stack, "http://127.0.0.1").items():
            monkeypatch.setenv(name, value)
        get_review_settings.cache_clear()
        service = local_service(env.session, env.stack)
        first = next(i for i in env.items() if i["source_key"] == "clinic/scan-0.pdf")
        service.review(
            DEV_REVIEWER,
            first["document_id"],
            Submission(
                version=1, values={"refills": 2, "directions": "Take 1 tablet by mouth daily"}
            ),
        )
        table = ReviewTable(env.stack.results_table, "", env.ddb)
        try:
            yield env, table, ids
        finally:
            get_review_settings.cache_clear()


def test_only_reviewed_items_become_truth_with_their_reviewed_values(reviewed):
    env, table, _ = reviewed
    labelled = labelled_set(table, env.s3)
    assert list(labelled.truth) == ["clinic/scan-0.pdf"]
    truth = labelled.truth["clinic/scan-0.pdf"]
    assert truth.document_type.value == "prescription"
    assert truth.fields["refills"] == 2  # the correction, not the reading (25)
    assert truth.fields["patient_name"] == "Maria Lopez"  # confirmed as read
    assert truth.variant["reviewed_by"] == DEV_REVIEWER.name
    assert truth.variant["queue"] == "review"  # it was flagged, not sampled for audit
    assert labelled.scans["clinic/scan-0.pdf"] == b"REVIEW 0"  # the version that was read


def test_the_written_set_is_private_and_evaluate_reads_it_as_is(reviewed, tmp_path):
    env, table, _ = reviewed
    folder = tmp_path / "labelled"
    path = write(labelled_set(table, env.s3), folder)
    for written in (path, folder / "clinic" / "scan-0.pdf"):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "clinic").stat().st_mode) == 0o700
    entries = read_truth(path)
    assert json.loads(path.read_text())["clinic/scan-0.pdf"]["fields"]["refills"] == 2
    paired, unmatched = pair([("clinic/scan-0.pdf", folder / "clinic" / "scan-0.pdf")], path)
    assert [key for key, _, _ in paired] == ["clinic/scan-0.pdf"] and not unmatched
    assert entries["clinic/scan-0.pdf"].fields["refills"] == 2


def test_a_scan_gone_from_the_bucket_is_left_out_and_counted_by_id(reviewed):
    env, table, _ = reviewed
    item = next(i for i in env.items() if i["status"] == "REVIEWED")
    env.s3.delete_object(
        Bucket=item["source_bucket"], Key=item["source_key"], VersionId=item["source_version_id"]
    )
    labelled = labelled_set(table, env.s3)
    assert labelled.truth == {}
    assert labelled.missing == [item["document_id"]]


def test_the_subcommand_writes_the_set_and_names_no_key_or_value(reviewed, tmp_path, capsys):
    from medextract.cli import main

    env, _, _ = reviewed
    folder = tmp_path / "set"
    assert main(["evaluate", "--from-reviews", env.stack.results_table, "--out", str(folder)]) == 0
    assert (folder / "clinic" / "scan-0.pdf").read_bytes() == b"REVIEW 0"
    err = capsys.readouterr().err
    assert "1 reviewed documents written" in err
    assert "Maria Lopez" not in err and "scan-0" not in err


def test_from_reviews_takes_no_scans(capsys):
    from medextract.cli import main

    assert main(["evaluate", "scans/", "--from-reviews", "T", "--out", "x"]) == 64
    assert "no SCANS" in capsys.readouterr().err
