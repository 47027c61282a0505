"""``make demo``'s main job, with a fake extractor so it runs in a second."""

import json

import pytest
from medextract.aws.config import get_pipeline_settings
from medextract.aws.runtime import get_pipeline
from medextract_dev import demo

from tests.functional.conftest import FakeExtractor, aws_environment


def test_demo_drains_the_queue_and_writes_one_json_per_dropped_scan(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    aws_environment(monkeypatch)
    for name in (
        "MEDEXTRACT_RESULTS_TABLE",
        "MEDEXTRACT_OUTPUT_BUCKET",
        "MEDEXTRACT_IDEMPOTENCY_TABLE",
        "AWS_PROFILE",
    ):
        monkeypatch.setenv(name, "unset-by-test")  # the demo overwrites them; undone afterwards
    monkeypatch.setattr(demo, "SEED", 99)  # any seed works
    extractor = FakeExtractor()

    items = demo.run(tmp_path, count=3, extractor=extractor, quiet=True)

    assert len(extractor.calls) == 3
    assert sorted(i["status"] for i in items) == ["EXTRACTED"] * 3
    written = sorted(p.name for p in tmp_path.glob("doc_*.json"))
    assert written == sorted(f"{i['document_id']}.json" for i in items)
    assert len(json.loads((tmp_path / "items.json").read_text())) == 3
    # The uploader named the third scan's type in its metadata: the core was told.
    assert [str(t) for _, t in extractor.calls].count("prescription") == 1
    get_pipeline_settings.cache_clear()
    get_pipeline.cache_clear()
