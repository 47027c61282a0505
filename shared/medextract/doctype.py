"""The forms medextract reads, in a module of their own: the command line's parser
names them without importing the result model (pydantic)."""

from enum import StrEnum


class DocumentType(StrEnum):
    PRESCRIPTION = "prescription"
    PATIENT_DETAILS = "patient_details"
    CMS1500 = "cms1500"
    UNKNOWN = "unknown"
