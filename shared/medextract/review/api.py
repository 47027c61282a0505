"""The review API: Powertools routes on a ``Router``, shared by the Lambda
(``APIGatewayHttpResolver``) and ``make review`` (``HttpResolverLocal``).

Who is asking comes from the JWT the HTTP API's authorizer checked (``current_reviewer``);
the service from the settings (``get_service``). Both are ``Depends`` dependencies, so
``make review`` and the tests swap them through ``dependency_overrides``. Errors become
responses in one place (``build``); no message carries document content.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver, Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.request import Request

from medextract.aws.records import Status
from medextract.errors import ConfigurationError, TransientError
from medextract.observability import logger
from medextract.review.models import (
    Claim,
    DocumentView,
    History,
    QueuePage,
    QueueSummary,
    Reopen,
    Reviewer,
    Submission,
    UploadRequest,
)
from medextract.review.quality import QualityReport
from medextract.review.service import QueueFilter, ReviewError, ReviewService

REVIEWER_GROUP = "reviewer"
DOCUMENT_ID = r"^[a-z]{1,8}_[0-9a-f]{16,64}$"  # medextract.aws.objects.document_id
STATIC = {  # the review page: path -> (file, content type)
    "/": ("index.html", "text/html; charset=utf-8"),
    "/review.js": ("review.js", "text/javascript; charset=utf-8"),
    "/grid.js": ("grid.js", "text/javascript; charset=utf-8"),
    "/review.css": ("review.css", "text/css; charset=utf-8"),
    "/quality.js": ("quality.js", "text/javascript; charset=utf-8"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' https: blob:; connect-src 'self' https:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self' https:"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

router = Router()


class Unauthorised(ReviewError):
    status, code = 401, "UNAUTHORISED"


class Forbidden(ReviewError):
    status, code = 403, "FORBIDDEN"


def _groups(value: Any) -> list[str]:
    """``cognito:groups`` as HTTP API passes it: a list, or a string ``[a b]``."""
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value or "").strip("[]").replace(",", " ").split()


def current_reviewer(request: Request) -> Reviewer:
    """The caller, from the claims of the JWT the HTTP API authorizer verified."""
    context = request.resolved_event.get("requestContext") or {}
    jwt = (context.get("authorizer") or {}).get("jwt") or {}
    claims = jwt.get("claims") or {}
    subject = claims.get("sub")
    name = claims.get("username") or claims.get("cognito:username")
    if not subject or not name:
        raise Unauthorised("no verified identity on the request")
    groups = _groups(claims.get("cognito:groups"))
    if REVIEWER_GROUP not in groups:
        raise Forbidden(f"only the {REVIEWER_GROUP} group may review")
    return Reviewer(subject=subject, name=name, groups=groups, scopes=jwt.get("scopes") or [])


@lru_cache(maxsize=1)
def get_service() -> ReviewService:
    """The process-wide service, built on first use from the validated settings."""
    import boto3

    from medextract.review.settings import get_review_settings
    from medextract.review.store import ReviewBucket, ReviewTable, s3_client

    settings = get_review_settings()
    session = boto3.session.Session()
    return ReviewService(
        ReviewTable(
            settings.results_table,
            settings.audit_table,
            session.client("dynamodb"),
            quality_table=settings.quality_table,
        ),
        ReviewBucket(settings.output_bucket, settings.input_bucket, s3_client(session)),
        lease_seconds=settings.lease_seconds,
        max_upload_bytes=settings.max_file_bytes,
    )


def publish_quality() -> dict[str, Any]:
    """The hourly schedule's task: the quality figures as CloudWatch metrics."""
    from medextract.review.quality import publish
    from medextract.review.settings import get_review_settings

    settings = get_review_settings()
    report = get_service().quality(settings.quality_weeks)
    highest = publish(report, settings.quality_min_values)
    logger.info(
        "quality published",
        extra={"documents_audited": report.documents_audited, "highest_upper_bound": highest},
    )
    return {"documents_audited": report.documents_audited, "highest_upper_bound": highest}


Who = Annotated[Reviewer, Depends(current_reviewer)]
Service = Annotated[ReviewService, Depends(get_service)]
DocumentId = Annotated[str, Path(pattern=DOCUMENT_ID)]


@router.get("/me")
def me(who: Who) -> Reviewer:
    return who


@router.get("/config", include_in_schema=False)
def config() -> dict[str, Any]:
    """What the page needs before it has a token: where to sign in."""
    from medextract.review.settings import get_review_settings

    settings = get_review_settings()
    return {"login_url": settings.login_url, "uploads": settings.browser_uploads}


@router.get("/queues")
def queues(who: Who, service: Service) -> QueueSummary:
    """Each tab's count and the age of its oldest document."""
    return service.summary(who)


@router.get("/documents")
def list_documents(
    who: Who,
    service: Service,
    status: Annotated[Status | Literal["AUDIT"], Query()] = Status.NEEDS_REVIEW,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    next: Annotated[str | None, Query(max_length=2048)] = None,
    form: Annotated[str | None, Query(pattern=r"^[a-z_]{1,40}$")] = None,
    reason: Annotated[str | None, Query(pattern=r"^[A-Z_]{1,40}$")] = None,
    source: Annotated[str | None, Query(min_length=1, max_length=1024)] = None,
    id: Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,72}$")] = None,
    free: Annotated[bool, Query()] = True,
    handled: Annotated[bool, Query()] = False,
) -> QueuePage:
    """A tab of the queue, oldest first. ``free=false`` lists documents others hold
    too (with who and since when); ``handled=true`` failed ones already dealt with."""
    chosen = QueueFilter(
        form=form, reason=reason, source=source, id_prefix=id, free=free, handled=handled
    )
    return service.queue(who, status, limit, next, chosen)


@router.get("/documents/<document_id>")
def get_document(document_id: DocumentId, who: Who, service: Service) -> DocumentView:
    return service.document(document_id)


@router.post("/documents/<document_id>/claim")
def claim_document(document_id: DocumentId, who: Who, service: Service) -> Claim:
    return service.claim(who, document_id)


@router.post("/documents/<document_id>/release")
def release_document(document_id: DocumentId, who: Who, service: Service) -> Response[str]:
    service.release(who, document_id)
    # An empty str, not None (the validation middleware keeps None for Response[None]):
    # the local server (HttpResolverLocal) writes the body as it is given.
    return Response(status_code=204, body="")


@router.post("/documents/<document_id>/review")
def review_document(
    document_id: DocumentId, submission: Submission, who: Who, service: Service
) -> DocumentView:
    return service.review(who, document_id, submission)


@router.post("/documents/<document_id>/reopen")
def reopen_document(
    document_id: DocumentId, request: Reopen, who: Who, service: Service
) -> DocumentView:
    return service.reopen(who, document_id, request)


@router.post("/documents/<document_id>/handled")
def mark_handled(document_id: DocumentId, who: Who, service: Service) -> DocumentView:
    return service.handled(who, document_id)


@router.get("/documents/<document_id>/history")
def document_history(document_id: DocumentId, who: Who, service: Service) -> History:
    return service.history(document_id)


@router.get("/quality")
def get_quality(
    who: Who, service: Service, weeks: Annotated[int, Query(ge=1, le=52)] = 4
) -> QualityReport:
    """Counts and rates only: field names, reason codes, numbers (no health data)."""
    return service.quality(weeks)


@router.post("/uploads")
def create_upload(request: UploadRequest, who: Who, service: Service) -> Response[str]:
    ticket = service.upload(request)
    return Response(status_code=201, content_type="application/json", body=ticket.model_dump_json())


def _page(path: str) -> Response[str]:
    name, content_type = STATIC[path]
    body = (files("medextract.review") / "static" / name).read_text(encoding="utf-8")
    return Response(status_code=200, content_type=content_type, body=body)


for _path in STATIC:
    router.get(_path, include_in_schema=False)(lambda _p=_path: _page(_p))


def _json(status: int, body: dict[str, Any]) -> Response[str]:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body))


def build(app: ApiGatewayResolver) -> ApiGatewayResolver:
    """``app`` with the review routes, the page, and errors turned into responses."""
    app.include_router(router)

    @app.exception_handler(ReviewError)
    def review_error(exc: ReviewError) -> Response[str]:
        return _json(exc.status, exc.body())

    @app.exception_handler(TransientError)
    def transient(exc: TransientError) -> Response[str]:
        logger.warning("transient failure", extra={"reason": exc.reason.value})
        return _json(503, {"code": exc.reason.value, "message": "try again shortly"})

    @app.exception_handler(ConfigurationError)
    def misconfigured(exc: ConfigurationError) -> Response[str]:
        logger.error("misconfigured", extra={"reason": exc.reason.value})
        return _json(500, {"code": exc.reason.value, "message": "the service is misconfigured"})

    app.use(middlewares=[security_headers])
    return app


def security_headers(app: ApiGatewayResolver, next_middleware: Any) -> Response[Any]:
    """Every answer: no caching (health data), no sniffing, the page's CSP."""
    response: Response[Any] = next_middleware(app)
    response.headers.update(SECURITY_HEADERS)
    return response
