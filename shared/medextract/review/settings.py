"""The review function's settings, read once at cold start (``MEDEXTRACT_`` prefix)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from medextract.errors import ConfigurationError, Reason


class ReviewSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEDEXTRACT_", frozen=True, extra="ignore")

    results_table: str = Field(min_length=3)
    audit_table: str = Field(min_length=3, description="The review audit trail.")
    quality_table: str = Field(min_length=3, description="Counts of audits and reviews.")
    quality_weeks: int = Field(default=4, ge=1, le=26, description="Weeks published.")
    quality_min_values: int = Field(
        default=100, ge=1, description="Audited values a field needs to count for the alarm."
    )
    output_bucket: str = Field(min_length=3, description="Result JSON and page images.")
    input_bucket: str = Field(min_length=3, description="Where browser uploads go.")
    review_origin: str = Field(default="http://127.0.0.1:8000", description="The page's origin.")
    login_url: str = Field(
        default="", description="Sign-in page (Cognito hosted UI); empty locally."
    )
    browser_uploads: bool = Field(default=True, description="Offer the upload form.")
    lease_seconds: int = Field(default=15 * 60, ge=60, le=4 * 3600)
    max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)


@lru_cache(maxsize=1)
def get_review_settings() -> ReviewSettings:
    try:
        return ReviewSettings()  # filled from the environment
    except ValidationError as exc:
        missing = ", ".join(f"MEDEXTRACT_{str(e['loc'][0]).upper()}" for e in exc.errors())
        raise ConfigurationError(
            Reason.MISCONFIGURED, f"review settings invalid: {missing}"
        ) from exc
