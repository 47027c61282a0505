"""One module per form, each a table of field specs. Adding a field is adding a row."""

from __future__ import annotations

from medextract.fields import FieldSpec
from medextract.forms import patient_details, prescription
from medextract.result import DocumentType

SPECS: dict[DocumentType, tuple[FieldSpec, ...]] = {
    DocumentType.PRESCRIPTION: prescription.SPECS,
    DocumentType.PATIENT_DETAILS: patient_details.SPECS,
}

EXTRA_LABELS: dict[DocumentType, tuple[str, ...]] = {
    DocumentType.PRESCRIPTION: prescription.EXTRA_LABELS,
    DocumentType.PATIENT_DETAILS: patient_details.EXTRA_LABELS,
}

# Printed phrases that tell the forms apart (see medextract.classify).
MARKERS: dict[DocumentType, tuple[str, ...]] = {
    DocumentType.PRESCRIPTION: prescription.MARKERS,
    DocumentType.PATIENT_DETAILS: patient_details.MARKERS,
}
