"""Sniff the bytes, check every page, then hand out page images one at a time.

The format comes from the first bytes, never from the file name. Every limit (file size,
page count, the pixels of every page and of every image a PDF page holds) is checked
before anything is decoded, so a PDF of 500 pages, a page declaring 100 x 100 inches or
a 30000 x 30000 PNG is refused without rendering it.

``open_document`` does the checks and returns a :class:`Document`; ``Document.page(n)``
decodes (or renders) page ``n`` alone, in grey, at the size the reader works at, so a
document's memory is one page's, whatever its page count. ``page`` is safe to call from
several threads at once: each call opens its own decoder.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from medextract.errors import ConfigurationError, InputError, Reason
from medextract.settings import Settings

# The long side, in pixels, of the page the reader works on (preprocess.NORMAL_LONG_SIDE,
# not imported: that module pulls in OpenCV). A PDF page is rendered at this size, not
# larger; a JPEG is decoded at the smallest scale at least this large.
READER_LONG_SIDE = 2200
# Bounds on the dpi a PDF page is rendered at (a stamp-sized page is not rendered at
# 10000 dpi; a poster is refused by the pixel limit long before 20 dpi matters).
MIN_RENDER_DPI, MAX_RENDER_DPI = 20.0, 600.0

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
# What the decoders raise on a damaged file; anything else is a bug and propagates.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


@dataclass(frozen=True)
class Document:
    """A checked document: its type, its page count, and its pages on demand."""

    media_type: str
    page_count: int
    _render: Callable[[int], Image.Image] = field(repr=False)
    warnings: tuple[str, ...] = ()  # decoder warnings, as "Category: text" (no content)
    _render_colour: Callable[[int], Image.Image] | None = field(default=None, repr=False)

    def page(self, number: int) -> Image.Image:
        """Page ``number`` (1-based), mode ``L``, decoded now and kept by nobody."""
        if not 1 <= number <= self.page_count:
            raise IndexError(f"page {number} of {self.page_count}")
        return self._render(number)

    def colour_page(self, number: int) -> Image.Image:
        """Page ``number`` in colour (mode ``RGB``), or ``L`` when the file holds grey
        only: for a form whose own ink is dropped by its colour."""
        if not 1 <= number <= self.page_count:
            raise IndexError(f"page {number} of {self.page_count}")
        return (self._render_colour or self._render)(number)

    def pages(self) -> Iterator[Image.Image]:
        """Every page in order, one decoded at a time."""
        for number in range(1, self.page_count + 1):
            yield self.page(number)


def sniff(data: bytes) -> str:
    """The media type of ``data``, from what its first bytes say it is."""
    if not data:
        raise InputError(Reason.EMPTY_FILE, "the file is empty")
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    # A PDF may carry a little junk before its header (readers accept up to 1 KiB), but
    # only text: a ZIP, or any other binary container, holding a PDF is not a PDF.
    start = data.find(b"%PDF-", 0, 1024)
    if start > 0 and b"\x00" not in data[:start]:
        return "application/pdf"
    raise InputError(Reason.UNSUPPORTED_FORMAT, "not a PDF, JPEG, PNG or TIFF file")


def check_file_size(size: int, settings: Settings) -> None:
    if size > settings.max_file_bytes:
        raise InputError(
            Reason.FILE_TOO_LARGE, f"file is {size} bytes; the limit is {settings.max_file_bytes}"
        )


def open_document(data: bytes, settings: Settings) -> Document:
    """Check ``data`` against every limit; raise ``InputError`` naming the first broken."""
    check_file_size(len(data), settings)
    media_type = sniff(data)
    if media_type == "application/pdf":
        return _open_pdf(data, settings)
    return _open_image(data, media_type, settings)


def _check_page_count(count: int, settings: Settings) -> None:
    if count > settings.max_pages:
        raise InputError(Reason.TOO_MANY_PAGES, f"{count} pages; the limit is {settings.max_pages}")


def _check_pixels(width: float, height: float, page: int, settings: Settings) -> None:
    if width * height > settings.max_page_pixels:
        raise InputError(
            Reason.PAGE_TOO_LARGE,
            f"page {page} is {width:.0f}x{height:.0f} pixels; "
            f"the limit is {settings.max_page_pixels}",
        )


# ---------------------------------------------------------------------------- PDF
_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size$")
# The trailer (or cross-reference stream) names an encryption dictionary.
_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")


@dataclass(frozen=True)
class _Poppler:
    settings: Settings

    @property
    def options(self) -> dict[str, Any]:
        # pdf2image finds poppler on PATH unless told otherwise.
        path = self.settings.poppler_path
        return {"poppler_path": str(path)} if path else {}

    @property
    def timeout(self) -> int:
        return max(1, round(self.settings.render_timeout_seconds))

    def binary(self, name: str) -> str:
        path = self.settings.poppler_path
        return str(path / name) if path else name


def _open_pdf(data: bytes, settings: Settings) -> Document:
    poppler = _Poppler(settings)
    info = _pdfinfo(data, poppler)
    count = int(info.get("Pages", 0))
    if count < 1:
        raise InputError(Reason.CORRUPT_DOCUMENT, "the PDF has no pages")
    _check_page_count(count, settings)
    sizes = _page_points(_pdfinfo(data, poppler, last_page=count), count)
    # Each page's declared size, at the resolution a scan of it would have.
    nominal = settings.render_dpi / 72
    for number, (width_pt, height_pt) in enumerate(sizes, start=1):
        _check_pixels(width_pt * nominal, height_pt * nominal, number, settings)
    _check_pdf_images(data, count, poppler)

    def render(number: int, colour: bool = False) -> Image.Image:
        width_pt, height_pt = sizes[number - 1]
        dpi = READER_LONG_SIDE * 72 / max(width_pt, height_pt, 1.0)
        dpi = min(max(dpi, MIN_RENDER_DPI), MAX_RENDER_DPI)
        return _render_pdf_page(data, number, dpi, poppler, colour)

    return Document(
        media_type="application/pdf",
        page_count=count,
        _render=render,
        _render_colour=lambda number: render(number, colour=True),
    )


def _pdfinfo(data: bytes, poppler: _Poppler, last_page: int | None = None) -> dict[str, Any]:
    from pdf2image import pdfinfo_from_bytes
    from pdf2image.exceptions import (
        PDFInfoNotInstalledError,
        PDFPageCountError,
        PDFPopplerTimeoutError,
        PDFSyntaxError,
    )

    pages: dict[str, Any] = {"first_page": 1, "last_page": last_page} if last_page else {}
    try:
        info: dict[str, Any] = pdfinfo_from_bytes(
            data, timeout=poppler.timeout, **pages, **poppler.options
        )
    except PDFInfoNotInstalledError as exc:
        raise ConfigurationError(
            Reason.PDF_RENDERER_MISSING, "pdfinfo (poppler) not found"
        ) from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        if _ENCRYPT.search(data):
            raise InputError(Reason.ENCRYPTED_PDF, "the PDF is password-protected") from exc
        raise InputError(Reason.CORRUPT_DOCUMENT, "the PDF is damaged or truncated") from exc
    except PDFPopplerTimeoutError as exc:
        raise _render_timeout(poppler) from exc
    return info


def _render_timeout(poppler: _Poppler) -> InputError:
    return InputError(
        Reason.RENDER_TIMEOUT,
        f"poppler took longer than {poppler.timeout} s to read the PDF",
    )


def _page_points(info: dict[str, Any], count: int) -> list[tuple[float, float]]:
    """Each page's size in points, from pdfinfo's "Page    2 size: 612 x 792 pts" lines."""
    sizes: dict[int, tuple[float, float]] = {}
    for key, value in info.items():
        match = _PAGE_SIZE.match(key)
        parts = str(value).split()
        if match and len(parts) >= 3:
            try:
                sizes[int(match.group(1))] = (float(parts[0]), float(parts[2]))
            except ValueError:
                continue
    missing = [n for n in range(1, count + 1) if n not in sizes]
    if missing:
        raise InputError(Reason.CORRUPT_DOCUMENT, f"page {missing[0]} has no readable size")
    return [sizes[n] for n in range(1, count + 1)]


def _check_pdf_images(data: bytes, count: int, poppler: _Poppler) -> None:
    """Refuse a page holding an image over the pixel limit (a decompression bomb) from
    ``pdfimages -list``, which reads the images' dictionaries, not their data."""
    try:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(data)
            handle.flush()
            command = ["-list", "-f", "1", "-l", str(count), handle.name]
            listing = subprocess.run(
                [poppler.binary("pdfimages"), *command],
                capture_output=True,
                timeout=poppler.timeout,
                check=False,
            )
    except FileNotFoundError as exc:
        raise ConfigurationError(
            Reason.PDF_RENDERER_MISSING, "pdfimages (poppler) not found"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise _render_timeout(poppler) from exc
    if listing.returncode != 0:
        raise InputError(Reason.CORRUPT_DOCUMENT, "the PDF's images could not be listed")
    limit = poppler.settings.max_page_pixels
    for line in listing.stdout.decode("ascii", "replace").splitlines()[2:]:
        parts = line.split()
        if len(parts) > 4 and parts[0].isdigit() and parts[3].isdigit() and parts[4].isdigit():
            width, height = int(parts[3]), int(parts[4])
            if width * height > limit:
                raise InputError(
                    Reason.PAGE_TOO_LARGE,
                    f"page {parts[0]} holds a {width}x{height} image; the limit is {limit} pixels",
                )


def _render_pdf_page(
    data: bytes, number: int, dpi: float, poppler: _Poppler, colour: bool = False
) -> Image.Image:
    from pdf2image import convert_from_bytes
    from pdf2image.exceptions import (
        PDFPageCountError,
        PDFPopplerTimeoutError,
        PDFSyntaxError,
        PopplerNotInstalledError,
    )

    try:
        rendered = convert_from_bytes(
            data,
            dpi=round(dpi, 2),  # type: ignore[arg-type]  # pdftoppm -r takes a real
            first_page=number,
            last_page=number,
            grayscale=not colour,  # colour carries nothing we read but a form's dropout ink
            use_cropbox=True,  # the box pdfinfo measured
            timeout=poppler.timeout,
            **poppler.options,
        )
    except PopplerNotInstalledError as exc:
        raise ConfigurationError(
            Reason.PDF_RENDERER_MISSING, "pdftoppm (poppler) not found"
        ) from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise InputError(Reason.CORRUPT_DOCUMENT, "the PDF is damaged or truncated") from exc
    except PDFPopplerTimeoutError as exc:
        raise _render_timeout(poppler) from exc
    except _BOMB_ERRORS as exc:
        raise InputError(Reason.PAGE_TOO_LARGE, f"page {number} renders too large") from exc
    if len(rendered) != 1:
        raise InputError(Reason.CORRUPT_DOCUMENT, f"page {number} of the PDF does not render")
    page = rendered[0]
    _check_pixels(page.width, page.height, number, poppler.settings)
    if colour:
        return page if page.mode in ("L", "RGB") else page.convert("RGB")
    return page if page.mode == "L" else _grey(page)


# ---------------------------------------------------------------------------- images
def _open_image(data: bytes, media_type: str, settings: Settings) -> Document:
    with _decoding() as caught:
        image = Image.open(io.BytesIO(data))
        # The header is read; nothing is decoded yet. Check every frame's size first.
        count = getattr(image, "n_frames", 1)
        _check_page_count(count, settings)
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            _check_pixels(frame.width, frame.height, number, settings)

    def render(number: int, colour: bool = False) -> Image.Image:
        with _decoding():
            image = Image.open(io.BytesIO(data))
            image.seek(number - 1)
            if media_type == "image/jpeg":
                # Decode at the smallest DCT scale at least the reader's size, in grey.
                scale = READER_LONG_SIDE / max(image.size)
                mode = "RGB" if colour else "L"
                image.draft(mode, (round(image.width * scale), round(image.height * scale)))
            image.load()
            # Phone photos are often stored sideways with an EXIF orientation tag.
            upright = ImageOps.exif_transpose(image)
            if colour and upright.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr"):
                return _grey_paper(upright).convert("RGB")
            return _grey(upright)

    return Document(
        media_type=media_type,
        page_count=count,
        _render=render,
        warnings=tuple(caught),
        _render_colour=lambda number: render(number, colour=True),
    )


def _grey_paper(image: Image.Image) -> Image.Image:
    """A colour image with any transparency laid on white paper."""
    if image.mode in ("RGBA", "P") and (image.mode == "RGBA" or "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", image.size, (255, 255, 255))
        paper.paste(rgba.convert("RGB"), mask=rgba.getchannel("A"))
        return paper
    return image


class _decoding:
    """Maps decoder failures to the error tree; collects decoder warnings (one line
    each: category and Pillow's text, which names no content)."""

    def __enter__(self) -> list[str]:
        self._warnings = warnings.catch_warnings(record=True)
        self._caught = self._warnings.__enter__()
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        self.messages: list[str] = []
        return self.messages

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        self._warnings.__exit__(kind, exc, tb)
        self.messages.extend(
            f"{w.category.__name__}: {str(w.message).splitlines()[0][:200]}" for w in self._caught
        )
        if exc is None or isinstance(exc, InputError):
            return
        if isinstance(exc, _BOMB_ERRORS):
            raise InputError(Reason.PAGE_TOO_LARGE, "the image is too large to decode") from exc
        if isinstance(exc, _DECODE_ERRORS):
            raise InputError(Reason.CORRUPT_DOCUMENT, "the image is damaged or truncated") from exc


def _grey(image: Image.Image) -> Image.Image:
    """Mode ``L``: 16-bit samples scaled (not clipped) to 8 bits; transparency laid on
    white paper (black text on a transparent background stays black on white)."""
    if image.mode == "L":
        return image
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        samples = np.asarray(image, dtype=np.float32)
        top = 65535.0 if image.mode != "F" and samples.max() > 255 else 255.0
        return Image.fromarray(np.clip(samples * (255.0 / top), 0, 255).astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("L", image.size, 255)
        paper.paste(rgba.convert("L"), mask=rgba.getchannel("A"))
        return paper
    return image.convert("L")
