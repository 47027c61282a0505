"""Document ids and object references: stable, per version, free of key text."""

from medextract.aws.objects import ObjectRef, document_id


def test_document_id_is_stable_for_the_same_object_version():
    a = ObjectRef(
        bucket="in", key="ward/Jane Doe.pdf", version_id="v1", event_time="2026-01-01T00:00:00Z"
    )
    b = ObjectRef(
        bucket="in", key="ward/Jane Doe.pdf", version_id="v1", event_time="2026-01-02T00:00:00Z"
    )
    assert a.document_id == b.document_id


def test_document_id_differs_per_version_and_per_etag():
    base = ObjectRef(bucket="in", key="k.pdf", version_id="v1")
    assert base.document_id != ObjectRef(bucket="in", key="k.pdf", version_id="v2").document_id
    unversioned = ObjectRef(bucket="in", key="k.pdf", etag='"abc"')
    assert unversioned.document_id == ObjectRef(bucket="in", key="k.pdf", etag="abc").document_id
    assert unversioned.document_id != ObjectRef(bucket="in", key="k.pdf", etag="abd").document_id


def test_document_id_carries_nothing_of_the_key():
    ref = ObjectRef(bucket="in", key="ward/Jane Doe 1984-02-03.pdf", version_id="v1")
    assert ref.document_id.startswith("doc_")
    assert len(ref.document_id) == 4 + 32
    for part in ("Jane", "Doe", "1984", "ward"):
        assert part not in ref.document_id


def test_bucket_key_separator_cannot_be_forged():
    assert document_id("a", "b/c", "v") != document_id("a/b", "c", "v")


def test_suffix_is_the_lower_case_extension_only():
    assert ObjectRef(bucket="b", key="x/Scan.PDF").suffix == ".pdf"
    assert ObjectRef(bucket="b", key="x/no-extension").suffix == ""
    assert ObjectRef(bucket="b", key="x/name.not-an-extension-at-all").suffix == ""
