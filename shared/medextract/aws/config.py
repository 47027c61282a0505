"""The pipeline's deployment settings, read once at cold start.

The core's :class:`medextract.settings.Settings` holds the extraction limits; this model
holds what only the serverless pipeline needs (resource names from ``template.yaml``).
Both use the ``MEDEXTRACT_`` prefix, so one environment configures both.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from medextract.errors import ConfigurationError, Reason

# The longest a document is expected to take (the 20-page document at the pixel limit
# took 104 s on a loaded 2-core machine; docs/pipeline.md): none starts with less left.
DOCUMENT_SECONDS = 120.0


class PipelineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEDEXTRACT_", frozen=True, extra="ignore")

    results_table: str = Field(min_length=3, description="DynamoDB table of result items.")
    output_bucket: str = Field(min_length=3, description="Bucket the result JSON goes to.")
    idempotency_table: str = Field(min_length=3, description="Powertools idempotency table.")
    # How long a processed object version is remembered; a redelivery after that re-runs
    # the extraction and overwrites the same item (still one item per version).
    idempotency_expiry_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    output_prefix: str = "results/"
    # No document starts in an invocation with less time left than this (seconds).
    document_seconds: float = Field(default=DOCUMENT_SECONDS, gt=0)
    # The share of straight-through documents also sent to a person (medextract.aws.audit),
    # and the Secrets Manager secret (ARN or name) holding the key of its hash.
    audit_rate: float = Field(default=0.0, ge=0, le=1)
    audit_key_secret: str = Field(default="", validate_default=True)

    @field_validator("audit_key_secret")
    @classmethod
    def _audit_needs_a_key(cls, value: str, info: ValidationInfo) -> str:
        if 0 < info.data.get("audit_rate", 0) < 1 and not value:
            raise ValueError("an audit rate needs the key's secret")
        return value


@lru_cache(maxsize=1)
def get_pipeline_settings() -> PipelineSettings:
    """The process-wide pipeline settings, validated once."""
    try:
        return PipelineSettings()  # filled from the environment
    except ValidationError as exc:
        missing = ", ".join(str(err["loc"][0]).upper() for err in exc.errors())
        raise ConfigurationError(
            Reason.MISCONFIGURED, f"pipeline settings invalid or missing: MEDEXTRACT_{missing}"
        ) from exc
