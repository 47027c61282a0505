"""The review API function: HTTP API v2 events in, the review routes' answers out.

Glue only: the routes, the page and the error mapping live in ``medextract.review.api``.
This module never logs an event or a response: both carry health data. The tracer is
built at the first event (see ``medextract.observability.get_tracer``).

Handler: ``functions.review.app.handler``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.typing import LambdaContext
from medextract.observability import get_tracer, logger
from medextract.review.api import build, publish_quality

app = build(APIGatewayHttpResolver(enable_validation=True))
PUBLISH_QUALITY = "publish-quality"  # template.yaml: the PublishQuality schedule's input


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("medextract") == PUBLISH_QUALITY:
        return publish_quality()
    return _traced()(event, context)


@lru_cache(maxsize=1)
def _traced() -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    resolve: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = app.resolve
    return get_tracer().capture_lambda_handler(capture_response=False)(resolve)
