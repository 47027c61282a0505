"""The review's domain logic. ``ReviewService`` takes its table, bucket and clock as
arguments; the API turns its errors into responses in one place (``api``).

A document is reviewed once: ``NEEDS_REVIEW`` -> ``REVIEWED``; one sampled for audit
(``EXTRACTED`` and in the audit queue, ``medextract.aws.audit``) likewise, every field
checked and none of the machine's doubts shown. Each review adds its counts to the
quality figures (``medextract.review.quality``) in the same transaction. A claim is a lease
(``lease_seconds``); a review needs the version the reviewer saw and a claim that is
free or the reviewer's own. The reviewed record is written as a new version of the
result JSON (only over the version read) and then, in one transaction, to the item
with its audit record; if the transaction is refused, the JSON version is dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from medextract.aws.audit import AUDIT_ATTRIBUTE, AUDIT_QUEUE
from medextract.aws.process import iso, utc_now
from medextract.aws.records import RECORD_VERSION, PipelineRecord, Status, field_of
from medextract.forms import FORMS, SPECS
from medextract.result import DocumentType, ExtractedField, FieldValue
from medextract.review import quality, store, tables, values
from medextract.review.formats import formats
from medextract.review.models import (
    Action,
    AuditEntry,
    AuditField,
    Change,
    Claim,
    DocumentView,
    Failure,
    History,
    PageLink,
    QueueCount,
    QueueEntry,
    QueuePage,
    QueueSummary,
    Reopen,
    Reviewer,
    Section,
    Submission,
    UploadRequest,
    UploadTicket,
)
from medextract.review.values import Rejected, ValuesRejected, type_values

LEASE_SECONDS = 15 * 60
URL_SECONDS = 5 * 60
# The page's tabs, in order: each a status of the results table's queue index.
QUEUES: tuple[str, ...] = (
    Status.NEEDS_REVIEW,
    Status.FAILED,
    Status.REVIEWED,
    Status.EXTRACTED,
    AUDIT_QUEUE,  # delivered documents sampled for audit (medextract.aws.audit)
)
COUNT_CAP = 1000  # a tab's count stops here ("1000+"): counting is a read of the index
DEADLINE_HOURS = 24  # a flagged document is reviewed within this of its arrival
# Where a document may go back to review from (reopened, or sent back).
REOPENABLE = (Status.REVIEWED, Status.EXTRACTED)
# The fields as each form prints them: (section title, page, fields), from the form's
# data file (``medextract.forms``); a field of the form not named here goes to a last
# section.
SECTIONS: dict[str, tuple[tuple[str, int, tuple[str, ...]], ...]] = {
    doc_type.value: tuple((s.title, s.page, s.fields) for s in form.sections)
    for doc_type, form in FORMS.items()
}


@dataclass(frozen=True)
class QueueFilter:
    """What a queue shows: a form, a reason (a review reason, a failure reason, or
    ``PAGES_MISSING``), a source key prefix, a document id prefix; ``free``: only what
    the caller may claim; ``handled``: failed documents already dealt with too."""

    form: str | None = None
    reason: str | None = None
    source: str | None = None
    id_prefix: str | None = None
    free: bool = True
    handled: bool = False


UPLOAD_SUFFIX = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
}


class ReviewError(Exception):
    status = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class NotFound(ReviewError):
    status, code = 404, "NOT_FOUND"


class Conflict(ReviewError):
    status = 409

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message, **details)
        self.code = code


class Invalid(ReviewError):
    status, code = 422, "INVALID_VALUES"


class Table(Protocol):
    def get(self, document_id: str) -> dict[str, Any] | None: ...
    def queue(
        self,
        status: str,
        *,
        limit: int,
        start: dict[str, Any] | None,
        me: str,
        now: int,
        where: store.Where | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]: ...
    def count(self, status: str, *, cap: int, where: store.Where | None = None) -> int: ...
    def oldest(self, status: str, where: store.Where | None = None) -> str | None: ...
    def reopen(
        self,
        document_id: str,
        *,
        seen: int,
        now: int,
        changes: dict[str, Any],
        audit: dict[str, Any],
    ) -> None: ...
    def handled(self, document_id: str, *, me: str, at: str, audit: dict[str, Any]) -> None: ...
    def claim(
        self, document_id: str, *, me: str, until: int, now: int, audit: dict[str, Any]
    ) -> None: ...
    def release(self, document_id: str, *, me: str, audit: dict[str, Any]) -> None: ...
    def review(
        self,
        document_id: str,
        *,
        seen: int,
        me: str,
        now: int,
        changes: dict[str, Any],
        audit: dict[str, Any],
        counts: tuple[str, str, dict[str, int]] | None = None,
    ) -> None: ...
    def history(self, document_id: str) -> list[dict[str, Any]]: ...
    def quality_rows(self, weeks: list[str]) -> list[dict[str, Any]]: ...


class Bucket(Protocol):
    def page_url(self, key: str, expires: int) -> str: ...
    def read_record(self, key: str) -> tuple[dict[str, Any], str]: ...
    def write_record(self, key: str, body: dict[str, Any], etag: str) -> str: ...
    def drop_version(self, key: str, version_id: str) -> None: ...
    def upload_ticket(
        self, key: str, content_type: str, size: int, metadata: dict[str, str], expires: int
    ) -> dict[str, Any]: ...


def in_audit(item: dict[str, Any]) -> bool:
    """Delivered, and sampled for a person to audit (not yet done)."""
    return item.get("status") == Status.EXTRACTED and item.get(AUDIT_ATTRIBUTE) == AUDIT_QUEUE


def awaiting(item: dict[str, Any]) -> bool:
    """Awaiting a person: flagged, or sampled for audit."""
    return item.get("status") == Status.NEEDS_REVIEW or in_audit(item)


def blind(view: DocumentView) -> DocumentView:
    """An audit's view: every field as an ``AuditField`` (no confidence, reason,
    suggestion or OCR text), in the form's order, nothing flagged."""
    fields = {name: _audit_field(f) for name, f in view.fields.items()}
    order = field_order(view.document_type, fields, [])
    return view.model_copy(
        update={"audit": True, "fields": fields, "flagged_fields": [], "field_order": order}
    )


def _audit_field(f: ExtractedField | AuditField) -> AuditField:
    rows = None
    if f.rows is not None:
        rows = [{c: _audit_field(cell) for c, cell in row.items()} for row in f.rows]
    return AuditField(value=f.value, iso=f.iso, page=f.page, box=f.box, rows=rows)


def _at(epoch: int) -> str:
    return iso(datetime.fromtimestamp(epoch, tz=utc_now().tzinfo))


def _claim(item: dict[str, Any], now: int, lease_seconds: int = LEASE_SECONDS) -> Claim | None:
    """The claim on an item, if it has not lapsed (taken a lease before it expires)."""
    holder, until = item.get("claim_holder"), item.get("claim_expires_at")
    if not holder or until is None or int(until) < now:
        return None
    return Claim(holder=holder, expires_at=_at(int(until)), since=_at(int(until) - lease_seconds))


def sections(document_type: str | None, fields: dict[str, Any]) -> list[Section]:
    """The document's fields grouped as its form prints them, page by page."""
    pages = form_pages(document_type)
    out: list[Section] = []
    placed: set[str] = set()
    for title, page, names in SECTIONS.get(document_type or "", ()):
        present = [n for n in names if n in fields]
        placed.update(present)
        if present:
            out.append(Section(title=title, page=page, fields=present))
    rest = [n for n in list(pages) + sorted(fields) if n in fields and n not in placed]
    if rest:
        out.append(Section(title="Other fields", page=1, fields=list(dict.fromkeys(rest))))
    return out


def _where(status: Status | str, chosen: QueueFilter, me: str, now: int) -> store.Where:
    where = store.Where()
    if chosen.free:
        where.add(store.FREE, {":me": me, ":now": now})
    if chosen.form:
        where.add("document_type = :form", {":form": chosen.form})
    if chosen.source:
        where.add("begins_with(source_key, :source)", {":source": chosen.source})
    if chosen.id_prefix:
        where.add("begins_with(document_id, :id)", {":id": chosen.id_prefix})
    if chosen.reason == "PAGES_MISSING":
        where.add("size(missing_pages) > :none", {":none": 0})
    elif chosen.reason:
        where.add(
            "(contains(review_reasons, :reason) OR failure_reason = :reason)",
            {":reason": chosen.reason},
        )
    if status == Status.FAILED and not chosen.handled:
        where.add("attribute_not_exists(handled_at)", {})
    return where


def form_pages(document_type: str | None) -> dict[str, int]:
    """Each field of the form and the page it is printed on, in the form's order."""
    try:
        specs = SPECS.get(DocumentType(document_type or "unknown"), ())
    except ValueError:
        specs = ()
    return {s.name: s.page or 1 for s in specs}


def unsent_fields(
    document_type: str | None, fields: dict[str, Any], missing_pages: list[int]
) -> list[str]:
    """The fields printed on a page that was not sent and found nowhere else (null)."""
    pages = form_pages(document_type)
    return [
        name
        for name, page in pages.items()
        if page in missing_pages and name in fields and (fields[name] or {}).get("value") is None
    ]


def _formats(document_type: str | None, fields: dict[str, Any]) -> dict[str, str]:
    """The hints of the document's fields, and of its tables' columns (``table.column``)."""
    hints = {n: f for n, f in formats(document_type).items() if n in fields}
    columns = tables.column_hints(document_type)
    return hints | {n: f for n, f in columns.items() if field_of(n.split(".", 1)[0]) in fields}


def field_order(document_type: str | None, fields: dict[str, Any], flagged: list[str]) -> list[str]:
    """Flagged fields first (a table with a flagged cell among them), each group in the
    form's order."""
    flagged = [field_of(n) for n in flagged]
    form = list(form_pages(document_type))
    order = [n for n in form if n in fields] + sorted(n for n in fields if n not in form)
    return [n for n in order if n in flagged] + [n for n in order if n not in flagged]


class ReviewService:
    def __init__(
        self,
        table: Table,
        bucket: Bucket,
        *,
        clock: Callable[[], datetime] = utc_now,
        lease_seconds: int = LEASE_SECONDS,
        url_seconds: int = URL_SECONDS,
        max_upload_bytes: int = 50 * 1024 * 1024,
    ) -> None:
        self.table = table
        self.bucket = bucket
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.url_seconds = url_seconds
        self.max_upload_bytes = max_upload_bytes

    def _now(self) -> tuple[datetime, int]:
        moment = self.clock()
        return moment, int(moment.timestamp())

    def _item(self, document_id: str) -> dict[str, Any]:
        item = self.table.get(document_id)
        if item is None:
            raise NotFound("no such document")
        return item

    def _audit(
        self,
        who: Reviewer,
        document_id: str,
        action: Action,
        version: int,
        at: str,
        changes: list[Change] | None = None,
    ) -> dict[str, Any]:
        entry = AuditEntry(
            document_id=document_id,
            at=at,
            actor=who.name,
            actor_id=who.subject,
            action=action,
            version=version,
            changes=changes or [],
        )
        return entry.model_dump(mode="json")

    def _why_refused(self, document_id: str, who: Reviewer, seen: int | None) -> Conflict:
        """Read the item again to say which condition refused a write."""
        item = self._item(document_id)
        _, now = self._now()
        version = int(item.get("version") or 1)
        if seen is not None and version != seen:
            return Conflict(
                "STALE_VERSION",
                f"the document is at version {version}, not {seen}",
                version=version,
            )
        if not awaiting(item):
            return Conflict(
                "NOT_AWAITING_REVIEW",
                f"the document is {item.get('status')}",
                status=item.get("status"),
            )
        claim = _claim(item, now)
        if claim and claim.holder != who.name:
            return Conflict(
                "CLAIMED",
                f"held by {claim.holder} until {claim.expires_at}",
                holder=claim.holder,
                expires_at=claim.expires_at,
            )
        return Conflict("CONFLICT", "the document changed meanwhile; reload it")

    def _new_version(self, item: dict[str, Any], seen: int, updates: dict[str, Any]) -> str:
        """The record JSON at version ``seen + 1`` with ``updates``, written only over the
        version read (``store.Conflict`` otherwise); its S3 version id."""
        record, etag = self.bucket.read_record(item["result_key"])
        record = PipelineRecord.model_validate(
            {**record, **updates, "version": seen + 1}
        ).model_dump(mode="json")
        return self.bucket.write_record(item["result_key"], record, etag)

    # ------------------------------------------------------------------ reads
    def queue(
        self,
        who: Reviewer,
        status: Status | str,
        limit: int,
        cursor: str | None,
        chosen: QueueFilter | None = None,
    ) -> QueuePage:
        """A status's documents, or (``AUDIT``) the audit queue, filtered by ``chosen``."""
        try:
            start = store.decode_cursor(cursor)
        except ValueError as exc:
            raise ReviewError("next is not a cursor this API gave") from exc
        _, now = self._now()
        where = _where(status, chosen or QueueFilter(), who.name, now)
        items, last = self.table.queue(
            str(status), limit=limit, start=start, me=who.name, now=now, where=where
        )
        return QueuePage(
            items=[
                QueueEntry(
                    document_id=i["document_id"],
                    status=i["status"],
                    received_at=i["received_at"],
                    document_type=i.get("document_type"),
                    flagged_fields=list(i.get("flagged_fields") or []),
                    failure_reason=i.get("failure_reason"),
                    page_count=int(i.get("page_count") or 0),
                    missing_pages=[int(p) for p in i.get("missing_pages") or []],
                    claim=_claim(i, now, self.lease_seconds),
                    source_key=i.get("source_key"),
                    review_reasons=list(i.get("review_reasons") or []),
                    reviewed_at=i.get("reviewed_at"),
                    reviewed_by=i.get("reviewed_by"),
                    handled_at=i.get("handled_at"),
                    handled_by=i.get("handled_by"),
                )
                for i in items
            ],
            next=store.encode_cursor(last),
        )

    def summary(self, who: Reviewer) -> QueueSummary:
        """Each tab's count (up to ``COUNT_CAP``) and its oldest document's arrival."""
        _, now = self._now()
        counts = []
        for status in QUEUES:
            where = _where(status, QueueFilter(free=False), who.name, now)
            count = self.table.count(str(status), cap=COUNT_CAP + 1, where=where)
            oldest = self.table.oldest(str(status), where) if count else None
            counts.append(
                QueueCount(
                    status=str(status),
                    count=min(count, COUNT_CAP),
                    capped=count > COUNT_CAP,
                    oldest_received_at=oldest,
                )
            )
        return QueueSummary(queues=counts, deadline_hours=DEADLINE_HOURS)

    def document(self, document_id: str) -> DocumentView:
        item = self._item(document_id)
        _, now = self._now()
        fields = item.get("fields") or {}
        flagged = list(item.get("flagged_fields") or [])
        missing = [int(p) for p in item.get("missing_pages") or []]
        failure = (
            Failure(reason=item["failure_reason"], message=item.get("failure_message") or "")
            if item.get("failure_reason")
            else None
        )
        view = DocumentView(
            document_id=document_id,
            status=item["status"],
            version=int(item.get("version") or 1),
            received_at=item["received_at"],
            document_type=item.get("document_type"),
            needs_review=bool(item.get("needs_review")),
            fields={k: ExtractedField.model_validate(v) for k, v in fields.items()},
            flagged_fields=flagged,
            field_order=field_order(item.get("document_type"), fields, flagged),
            pages=[
                PageLink(page=n, url=self.bucket.page_url(key, self.url_seconds))
                for n, key in enumerate(item.get("page_images") or [], start=1)
            ],
            missing_pages=missing,
            unsent_fields=unsent_fields(item.get("document_type"), fields, missing),
            sections=sections(item.get("document_type"), fields),
            formats=_formats(item.get("document_type"), fields),
            source_key=item.get("source_key"),
            failure=failure,
            claim=_claim(item, now, self.lease_seconds),
            reviewed_at=item.get("reviewed_at"),
            reviewed_by=item.get("reviewed_by"),
            handled_at=item.get("handled_at"),
            handled_by=item.get("handled_by"),
        )
        return blind(view) if in_audit(item) else view

    def quality(self, weeks: int) -> quality.QualityReport:
        """The quality figures over the last ``weeks`` ISO weeks of receipt."""
        moment, _ = self._now()
        window = quality.window(moment, weeks)
        return quality.report(self.table.quality_rows(window), window)

    def history(self, document_id: str) -> History:
        self._item(document_id)
        entries = self.table.history(document_id)
        return History(
            items=[
                AuditEntry.model_validate({k: v for k, v in e.items() if k != store.AUDIT_SORT_KEY})
                for e in entries
            ]
        )

    # ------------------------------------------------------------------ writes
    def claim(self, who: Reviewer, document_id: str) -> Claim:
        moment, now = self._now()
        until = now + self.lease_seconds
        item = self._item(document_id)
        audit = self._audit(
            who, document_id, Action.CLAIMED, int(item.get("version") or 1), iso(moment)
        )
        try:
            self.table.claim(document_id, me=who.name, until=until, now=now, audit=audit)
        except store.Conflict:
            raise self._why_refused(document_id, who, None) from None
        return Claim(
            holder=who.name,
            expires_at=iso(moment + timedelta(seconds=self.lease_seconds)),
            since=iso(moment),
        )

    def release(self, who: Reviewer, document_id: str) -> None:
        moment, _ = self._now()
        item = self._item(document_id)
        audit = self._audit(
            who, document_id, Action.RELEASED, int(item.get("version") or 1), iso(moment)
        )
        try:
            self.table.release(document_id, me=who.name, audit=audit)
        except store.Conflict:
            raise Conflict("NOT_HOLDER", "you do not hold this document") from None

    def review(self, who: Reviewer, document_id: str, submission: Submission) -> DocumentView:
        item = self._item(document_id)
        seen = submission.version
        moment, now = self._now()
        audited = in_audit(item)
        if (
            not awaiting(item)
            or int(item.get("version") or 1) != seen
            or ((c := _claim(item, now)) and c.holder != who.name)
        ):
            raise self._why_refused(document_id, who, seen)
        fields = {
            k: ExtractedField.model_validate(v) for k, v in (item.get("fields") or {}).items()
        }
        typed = _submitted_values(item, fields, submission, audited)
        at = iso(moment)
        reviewed, changes = _reviewed_fields(item.get("document_type"), fields, typed, who, at)
        dumped = {k: v.model_dump(mode="json") for k, v in reviewed.items()}
        updates = {
            "status": Status.REVIEWED.value,
            "needs_review": False,
            "fields": dumped,
            "reviewed_at": at,
            "reviewed_by": who.name,
            "record_version": RECORD_VERSION,
        }

        try:
            version_id = self._new_version(item, seen, updates)
        except store.Conflict:
            raise self._why_refused(document_id, who, seen) from None
        action = Action.AUDITED if audited else Action.REVIEWED
        audit = self._audit(who, document_id, action, seen + 1, at, changes)
        counts = _quality_counts(item, fields, typed, changes, audited)
        try:
            self.table.review(
                document_id,
                seen=seen,
                me=who.name,
                now=now,
                changes=updates,
                audit=audit,
                counts=counts,
            )
        except store.Conflict:
            self.bucket.drop_version(item["result_key"], version_id)
            raise self._why_refused(document_id, who, seen) from None
        return self.document(document_id)

    def reopen(self, who: Reviewer, document_id: str, request: Reopen) -> DocumentView:
        """A reviewed document reopened, or an extracted one sent back: ``NEEDS_REVIEW``
        again at a new version, its values as they stand, the record JSON and the audit
        trail saying so. The reviewer's claim comes with it."""
        item = self._item(document_id)
        seen = request.version
        if in_audit(item):  # its audit is the person's look; sending it back would lose it
            raise Conflict("IN_AUDIT", "the document awaits its audit")
        if item.get("status") not in REOPENABLE or int(item.get("version") or 1) != seen:
            version = int(item.get("version") or 1)
            if version != seen:
                raise Conflict(
                    "STALE_VERSION",
                    f"the document is at version {version}, not {seen}",
                    version=version,
                )
            raise Conflict(
                "NOT_REOPENABLE",
                f"the document is {item.get('status')}",
                status=item.get("status"),
            )
        moment, now = self._now()
        updates = {
            "status": Status.NEEDS_REVIEW.value,
            "needs_review": True,
            "record_version": RECORD_VERSION,
        }
        try:
            version_id = self._new_version(item, seen, updates)
        except store.Conflict:
            raise Conflict("CONFLICT", "the document changed meanwhile; reload it") from None
        audit = self._audit(who, document_id, Action.REOPENED, seen + 1, iso(moment))
        claim = {"claim_holder": who.name, "claim_expires_at": now + self.lease_seconds}
        try:
            self.table.reopen(
                document_id, seen=seen, now=now, changes={**updates, **claim}, audit=audit
            )
        except store.Conflict:
            self.bucket.drop_version(item["result_key"], version_id)
            raise Conflict("CONFLICT", "the document changed meanwhile; reload it") from None
        return self.document(document_id)

    def handled(self, who: Reviewer, document_id: str) -> DocumentView:
        """A failed document marked dealt with: it leaves the Failed tab (audited)."""
        item = self._item(document_id)
        moment, _ = self._now()
        at = iso(moment)
        audit = self._audit(who, document_id, Action.HANDLED, int(item.get("version") or 1), at)
        try:
            self.table.handled(document_id, me=who.name, at=at, audit=audit)
        except store.Conflict:
            raise Conflict(
                "NOT_FAILED", f"the document is {item.get('status')}", status=item.get("status")
            ) from None
        return self.document(document_id)

    def upload(self, request: UploadRequest) -> UploadTicket:
        if request.size > self.max_upload_bytes:
            raise Invalid(
                f"over the limit of {self.max_upload_bytes} bytes",
                fields=[
                    {
                        "field": "size",
                        "reason": "FILE_TOO_LARGE",
                        "message": "the file is too large",
                    }
                ],
            )
        key = f"uploads/{uuid.uuid4().hex}{UPLOAD_SUFFIX[request.content_type]}"
        metadata: dict[str, str] = (
            {"document-type": request.document_type} if request.document_type else {}
        )
        post = self.bucket.upload_ticket(
            key, request.content_type, request.size, metadata, URL_SECONDS
        )
        return UploadTicket(url=post["url"], fields=post["fields"], key=key, expires_in=URL_SECONDS)


# A submitted field typed: a scalar's (value, iso), or a table's typed rows.
Typed = dict[str, "tuple[FieldValue, str | None] | tables.TypedTable"]


def _unchecked(
    item: dict[str, Any], fields: dict[str, ExtractedField], submission: Submission, audited: bool
) -> list[Rejected]:
    """The fields (a flagged cell by its name) the reviewer must check and left out."""
    if audited:
        left = [n for n in fields if n not in submission.values]
        return [Rejected(n, "AUDITED_FIELD_UNCHECKED", "an audit checks every field") for n in left]
    flagged = [n for n in item.get("flagged_fields") or [] if field_of(n) not in submission.values]
    return [
        Rejected(n, "FLAGGED_FIELD_UNCHECKED", "a flagged field needs the reviewer's value")
        for n in flagged
    ]


def _typed_submission(
    item: dict[str, Any],
    fields: dict[str, ExtractedField],
    submission: Submission,
    audited: bool,
) -> Typed:
    """Each submitted value typed (a table's cells by their columns), or ValuesRejected
    naming each refused or unchecked one."""
    document_type = item.get("document_type")
    rejected = _unchecked(item, fields, submission, audited)
    is_table = {n for n, f in fields.items() if f.rows is not None and n in submission.values}
    scalars = {n: v for n, v in submission.values.items() if n not in is_table}
    out: Typed = {}
    try:
        out.update(type_values(document_type, set(fields) - is_table, scalars))
    except ValuesRejected as exc:
        rejected += exc.rejected
    hints = tables.column_hints(document_type)
    for name in sorted(is_table):
        typed, refused = tables.type_table(
            document_type,
            name,
            fields[name],
            submission.values[name],
            submission.rows.get(name),
            audited,
            hints,
            item.get("flagged_fields") or [],
        )
        rejected += refused
        if typed is not None:
            out[name] = typed
    if rejected:
        raise ValuesRejected(rejected)
    return out


def _submitted_values(
    item: dict[str, Any],
    fields: dict[str, ExtractedField],
    submission: Submission,
    audited: bool,
) -> Typed:
    """The submission's values typed by the form's normalisers; ``Invalid`` naming each
    refused one, and each field left unchecked (an audit checks every field; a review,
    every flagged one, a table's flagged cells each)."""
    try:
        return _typed_submission(item, fields, submission, audited)
    except ValuesRejected as exc:
        raise Invalid(
            "some values were refused",
            fields=[
                {
                    "field": r.field,
                    "reason": r.reason,
                    "message": r.message,
                    **({"expected": r.expected} if r.expected else {}),
                }
                for r in exc.rejected
            ],
        ) from None


def _reviewed_fields(
    document_type: str | None,
    fields: dict[str, ExtractedField],
    typed: Typed,
    who: Reviewer,
    at: str,
) -> tuple[dict[str, ExtractedField], list[Change]]:
    """Every field as the reviewer left it (unflagged, the review on it; a table's on
    each cell too, ``medextract.review.tables``) and the changes."""
    reviewed, changes = {}, []
    for name, before in fields.items():
        given = typed.get(name)
        if isinstance(given, tables.TypedTable):
            columns = tables.column_specs(document_type, name)
            reviewed[name], table_changes = tables.reviewed_table(
                name, before, given, columns, who.name, at
            )
            changes += [Change(field=f, before=b, after=a) for f, b, a in table_changes]
            continue
        reviewed[name] = values.reviewed_field(before, given, who.name, at)
        if reviewed[name].value != before.value:
            changes.append(Change(field=name, before=before.value, after=reviewed[name].value))
    return reviewed, changes


def _quality_counts(
    item: dict[str, Any],
    fields: dict[str, ExtractedField],
    typed: Typed,
    changes: list[Change],
    audited: bool,
) -> tuple[str, str, dict[str, int]]:
    """The review's counts for the quality table: its week, its form, per field whether
    it was flagged, why, and whether the reviewer changed it; a table's per column and
    for its rows (``tables.outcomes``)."""
    changed = {c.field for c in changes}
    flagged = set(item.get("flagged_fields") or [])
    outcomes: list[quality.Outcome] = []
    for name, before in fields.items():
        if before.rows is not None:
            given = typed.get(name)
            table = given if isinstance(given, tables.TypedTable) else None
            outcomes += tables.outcomes(name, before, table)
            continue
        outcomes.append(
            quality.Outcome(
                field=name,
                flagged=name in flagged,
                reasons=tuple(str(r) for r in before.review_reasons),
                changed=name in changed,
            )
        )
    return (
        quality.iso_week(item["received_at"]),
        str(item.get("document_type") or "unknown"),
        quality.count("AUDIT" if audited else "REVIEW", outcomes),
    )
