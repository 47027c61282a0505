"""Sniff the bytes and yield page images.

The format comes from the bytes, never from the file name. Every limit (file size,
page count, pixels per page) is checked before the expensive decode, so a PDF of
500 pages or a 30000x30000 PNG is refused without rendering it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from medextract.errors import ConfigurationError, InputError, Reason
from medextract.settings import Settings

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


@dataclass(frozen=True)
class LoadedDocument:
    media_type: str
    pages: list[Image.Image]


def sniff(data: bytes) -> str:
    """The media type of ``data``, from its leading bytes."""
    if not data:
        raise InputError(Reason.EMPTY_FILE, "the file is empty")
    # A PDF may carry a little junk before its header; readers accept up to 1 KiB.
    if b"%PDF-" in data[:1024]:
        return "application/pdf"
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    raise InputError(Reason.UNSUPPORTED_FORMAT, "not a PDF, JPEG, PNG or TIFF file")


def load(data: bytes, settings: Settings) -> LoadedDocument:
    if len(data) > settings.max_file_bytes:
        raise InputError(
            Reason.FILE_TOO_LARGE,
            f"file is {len(data)} bytes; the limit is {settings.max_file_bytes}",
        )
    media_type = sniff(data)
    if media_type == "application/pdf":
        pages = _load_pdf(data, settings)
    else:
        pages = _load_image(data, settings)
    return LoadedDocument(media_type=media_type, pages=pages)


def _check_page_count(count: int, settings: Settings) -> None:
    if count > settings.max_pages:
        raise InputError(Reason.TOO_MANY_PAGES, f"{count} pages; the limit is {settings.max_pages}")


def _check_pixels(width: int, height: int, page: int, settings: Settings) -> None:
    if width * height > settings.max_page_pixels:
        raise InputError(
            Reason.PAGE_TOO_LARGE,
            f"page {page} is {width}x{height} pixels; the limit is {settings.max_page_pixels}",
        )


def _load_pdf(data: bytes, settings: Settings) -> list[Image.Image]:
    from pdf2image import convert_from_bytes, pdfinfo_from_bytes
    from pdf2image.exceptions import (
        PDFInfoNotInstalledError,
        PDFPageCountError,
        PDFPopplerTimeoutError,
        PDFSyntaxError,
        PopplerNotInstalledError,
    )

    # pdf2image finds poppler on PATH unless told otherwise.
    poppler: dict[str, Any] = (
        {"poppler_path": str(settings.poppler_path)} if settings.poppler_path else {}
    )
    try:
        info = pdfinfo_from_bytes(data, timeout=round(settings.ocr_timeout_seconds), **poppler)
    except PDFInfoNotInstalledError as exc:
        raise ConfigurationError(
            Reason.PDF_RENDERER_MISSING, "pdfinfo (poppler) not found"
        ) from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        if "password" in str(exc).lower():
            raise InputError(Reason.ENCRYPTED_PDF, "the PDF is password-protected") from exc
        raise InputError(Reason.CORRUPT_DOCUMENT, "the PDF is damaged or truncated") from exc
    except PDFPopplerTimeoutError as exc:
        raise InputError(Reason.CORRUPT_DOCUMENT, "the PDF could not be read in time") from exc

    count = int(info.get("Pages", 0))
    if count < 1:
        raise InputError(Reason.CORRUPT_DOCUMENT, "the PDF has no pages")
    _check_page_count(count, settings)
    # "Page size: 612 x 792 pts (letter)": refuse an oversized page before rendering it.
    width_pt, height_pt = _pdf_page_points(str(info.get("Page size", "")))
    scale = settings.render_dpi / 72
    _check_pixels(round(width_pt * scale), round(height_pt * scale), 1, settings)
    try:
        pages = convert_from_bytes(
            data,
            dpi=settings.render_dpi,
            **poppler,
            grayscale=True,  # colour carries nothing we read
            timeout=round(settings.ocr_timeout_seconds * count),
        )
    except PopplerNotInstalledError as exc:
        raise ConfigurationError(
            Reason.PDF_RENDERER_MISSING, "pdftoppm (poppler) not found"
        ) from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise InputError(Reason.CORRUPT_DOCUMENT, "the PDF is damaged or truncated") from exc
    except PDFPopplerTimeoutError as exc:
        raise InputError(Reason.CORRUPT_DOCUMENT, "the PDF could not be rendered in time") from exc
    if len(pages) != count:
        raise InputError(
            Reason.CORRUPT_DOCUMENT, f"the PDF declares {count} pages but {len(pages)} render"
        )
    for number, page in enumerate(pages, start=1):
        _check_pixels(page.width, page.height, number, settings)
    return pages


def _pdf_page_points(page_size: str) -> tuple[float, float]:
    parts = page_size.split()
    try:
        return float(parts[0]), float(parts[2])
    except (IndexError, ValueError):
        return 612.0, 792.0


def _load_image(data: bytes, settings: Settings) -> list[Image.Image]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            # The header is read; nothing is decoded yet. Check every frame's size first.
            frames = getattr(image, "n_frames", 1)
            _check_page_count(frames, settings)
            pages = []
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                _check_pixels(frame.width, frame.height, number, settings)
                frame.load()
                # Phone photos are often stored sideways with an EXIF orientation tag.
                upright = ImageOps.exif_transpose(frame)
                pages.append(upright if upright.mode == "L" else upright.convert("L"))
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputError(Reason.PAGE_TOO_LARGE, "the image is too large to decode") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InputError(Reason.CORRUPT_DOCUMENT, "the image is damaged or truncated") from exc
    if not pages:
        raise InputError(Reason.CORRUPT_DOCUMENT, "the image has no frames")
    return pages
