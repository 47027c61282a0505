"""The review API function: HTTP API v2 events in, the review routes' answers out.

Glue only: the routes, the page and the error mapping live in ``medextract.review.api``.
This module never logs an event or a response: both carry health data.

Handler: ``functions.review.app.handler``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.typing import LambdaContext
from medextract.observability import logger, tracer
from medextract.review.api import build

app = build(APIGatewayHttpResolver(enable_validation=True))


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
