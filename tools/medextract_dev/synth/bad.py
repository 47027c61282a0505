"""One file for each kind of bad input the core must refuse, keyed by its reason code.

``UNKNOWN_FORM`` is not an error: it is a readable page of another form (an invoice),
which must come back as ``unknown`` with ``needs_review``.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from medextract_dev.synth.fonts import FACES, font
from medextract_dev.synth.generate import _PDF_DATE, generate_document

BAD_INPUT_CASES = (
    "EMPTY_FILE",
    "UNSUPPORTED_FORMAT",
    "CORRUPT_DOCUMENT",
    "ENCRYPTED_PDF",
    "TOO_MANY_PAGES",
    "PAGE_TOO_LARGE",
    "BLANK_PAGE",
    "UNKNOWN_FORM",
)
TOO_MANY_PAGES = 21
BOMB_SIDE = 30000
PASSWORD = "medextract"


def bad_inputs(out_dir: Path) -> dict[str, Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "EMPTY_FILE": ("empty_file.pdf", b""),
        "UNSUPPORTED_FORMAT": ("unsupported_format.pdf", _zip_file()),
        "CORRUPT_DOCUMENT": ("corrupt_document.pdf", _truncated_pdf()),
        "ENCRYPTED_PDF": ("encrypted_pdf.pdf", _encrypted_pdf()),
        "TOO_MANY_PAGES": ("too_many_pages.pdf", _many_pages(TOO_MANY_PAGES)),
        "PAGE_TOO_LARGE": ("page_too_large.png", _png_bomb(BOMB_SIDE, BOMB_SIDE)),
        "BLANK_PAGE": ("blank_page.pdf", _blank_page()),
        "UNKNOWN_FORM": ("unknown_form.pdf", _invoice()),
    }
    paths = {}
    for reason, (name, payload) in files.items():
        path = out_dir / name
        path.write_bytes(payload)
        paths[reason] = path
    return paths


def _pdf(pages: list[Image.Image], ppi: int) -> bytes:
    buf = io.BytesIO()
    pages[0].save(
        buf,
        "PDF",
        resolution=float(ppi),
        save_all=True,
        append_images=pages[1:],
        creationDate=_PDF_DATE,
        modDate=_PDF_DATE,
    )
    return buf.getvalue()


def _zip_file() -> bytes:
    """A ZIP archive (notes in a text file) wearing a .pdf name."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("notes.txt", date_time=(2020, 1, 1, 0, 0, 0))
        archive.writestr(info, "Shopping list: milk, bread, eggs.\n" * 20)
    return buf.getvalue()


def _truncated_pdf() -> bytes:
    """A real generated prescription PDF cut off halfway through."""
    data = generate_document(
        seed=404, index=0, doc_type="prescription", fmt="pdf", degrade=False
    ).data
    return data[: len(data) // 2]


def _encrypted_pdf() -> bytes:
    """A generated prescription PDF with a user password (AES-256, as Acrobat writes)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import DependencyError

    data = generate_document(
        seed=405, index=0, doc_type="prescription", fmt="pdf", degrade=False
    ).data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    try:
        writer.encrypt(
            user_password=PASSWORD, owner_password=PASSWORD + "-owner", algorithm="AES-256"
        )
    except DependencyError:  # no AES provider installed; RC4 is built into pypdf
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.encrypt(
            user_password=PASSWORD, owner_password=PASSWORD + "-owner", algorithm="RC4-128"
        )
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _many_pages(count: int) -> bytes:
    """``count`` small, cheap bilevel letter pages at 72 ppi, each saying its number."""
    body = font(FACES["DejaVu Sans"][0], 28)
    pages = []
    for number in range(1, count + 1):
        page = Image.new("1", (612, 792), 1)
        ImageDraw.Draw(page).text((72, 72), f"Page {number} of {count}", font=body, fill=0)
        pages.append(page)
    return _pdf(pages, 72)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def _png_bomb(width: int, height: int) -> bytes:
    """A valid, all-white 1-bit PNG of ``width`` x ``height``: tiny file, huge page."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)  # filter byte "none", then white pixels
    packer = zlib.compressobj(9)
    chunks = [packer.compress(row) for _ in range(height)]
    chunks.append(packer.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(chunks))
        + _png_chunk(b"IEND", b"")
    )


def _blank_page() -> bytes:
    """A white letter page at 200 ppi with faint scanner noise and a few specks."""
    rng = np.random.default_rng(406)
    h, w = 2200, 1700
    page = 247 + rng.normal(0, 2.0, (h, w))
    for _ in range(12):
        y, x = rng.integers(0, h - 3), rng.integers(0, w - 3)
        page[y : y + 2, x : x + 2] = rng.integers(150, 220)
    return _pdf([Image.fromarray(np.clip(page, 0, 255).astype(np.uint8), "L")], 200)


def _invoice() -> bytes:
    """A readable invoice: a document of another kind, not an error."""
    rng = random.Random("invoice")
    regular, bold = FACES["Liberation Sans"]
    body, strong, title = font(regular, 44), font(bold, 44), font(bold, 96)
    page = Image.new("RGB", (2550, 3300), (252, 252, 250))
    d = ImageDraw.Draw(page)
    ink = (20, 20, 20)
    d.text((220, 300), "INVOICE", font=title, fill=ink, anchor="ls")
    for i, line in enumerate(
        ("Northwind Office Supplies", "400 Commerce Drive", "Dayton, OH 45402")
    ):
        d.text((220, 420 + i * 62), line, font=body, fill=ink, anchor="ls")
    for i, line in enumerate(
        ("Invoice No: INV-20931", "Invoice Date: 14/03/2022", "Due Date: 13/04/2022")
    ):
        d.text((1500, 420 + i * 62), line, font=body, fill=ink, anchor="ls")
    d.text((220, 720), "Bill To:", font=strong, fill=ink, anchor="ls")
    for i, line in enumerate(("Lakeside Dental Group", "18 Harbor Road", "Salem, OR 97301")):
        d.text((220, 790 + i * 62), line, font=body, fill=ink, anchor="ls")
    y = 1100
    columns = (220, 1300, 1650, 2000)
    for x, head in zip(columns, ("Description", "Qty", "Unit Price", "Amount"), strict=True):
        d.text((x, y), head, font=strong, fill=ink, anchor="ls")
    d.line((220, y + 25, 2330, y + 25), fill=(90, 90, 90), width=3)
    items = ("Copy paper, A4, 5 reams", "Toner cartridge, black", "Ballpoint pens, box of 50",
             "Stapler, heavy duty", "File folders, pack of 100", "Desk organiser")  # fmt: skip
    total = 0.0
    for item in items:
        y += 80
        qty, price = rng.randint(1, 9), rng.randint(300, 9000) / 100
        total += qty * price
        for x, text in zip(
            columns, (item, str(qty), f"${price:,.2f}", f"${qty * price:,.2f}"), strict=True
        ):
            d.text((x, y), text, font=body, fill=ink, anchor="ls")
    y += 60
    d.line((1300, y, 2330, y), fill=(90, 90, 90), width=3)
    for label, value in (
        ("Subtotal", total),
        ("Tax (7%)", total * 0.07),
        ("Total Due", total * 1.07),
    ):
        y += 80
        d.text((1300, y), label, font=strong, fill=ink, anchor="ls")
        d.text((2000, y), f"${value:,.2f}", font=body, fill=ink, anchor="ls")
    d.text(
        (220, y + 250),
        "Payment within 30 days. Thank you for your business.",
        font=body,
        fill=ink,
        anchor="ls",
    )
    return _pdf([page.resize((1700, 2200), Image.Resampling.LANCZOS)], 200)


# ---------------------------------------------------------------- the hostile corpus
# Files built to hurt: polyglots, containers, odd pixel formats, bombs, huge declared
# pages, malformed metadata, a page tree that fans out. Each names what must happen:
# a reason code, or READ (a result comes back; its form is not the point).
READ = "READ"


@dataclass(frozen=True)
class HostileCase:
    name: str
    expected: str  # a Reason code, or READ
    build: Callable[[], bytes]
    heavy: bool = False  # large to build or to read: benchmarks, not the test suite


def hostile_cases() -> tuple[HostileCase, ...]:
    return (
        HostileCase("polyglot_jpeg_with_pdf.jpg", "BLANK_PAGE", _polyglot),
        HostileCase("zip_of_pdfs.pdf", "UNSUPPORTED_FORMAT", _zip_of_pdfs),
        HostileCase("jpeg_comment_says_pdf.jpg", READ, _jpeg_with_pdf_comment),
        HostileCase("png_16_bit_grey.png", READ, _png_16_bit),
        HostileCase("png_transparent_background.png", READ, _png_transparent),
        HostileCase("pdf_pages_2_3_declare_100in.pdf", "PAGE_TOO_LARGE", _pdf_huge_later_pages),
        HostileCase("pdf_cropbox_small_mediabox_huge.pdf", "BLANK_PAGE", _pdf_huge_mediabox),
        HostileCase("pdf_page_with_bomb_image.pdf", "PAGE_TOO_LARGE", lambda: _pdf_bombs(1)),
        HostileCase("pdf_20_bomb_pages.pdf", "PAGE_TOO_LARGE", lambda: _pdf_bombs(20)),
        HostileCase("pdf_fan_out_page_tree.pdf", "BLANK_PAGE", _pdf_fan_out),
        HostileCase("tiff_malformed_ifd.tif", "BLANK_PAGE", _tiff_bad_ifd),
        HostileCase("jpeg_malformed_exif.jpg", "BLANK_PAGE", _jpeg_bad_exif),
        HostileCase("tiff_200_frames.tif", "TOO_MANY_PAGES", _tiff_many_frames),
        HostileCase("tiff_ifd_loop.tif", "BLANK_PAGE", _tiff_ifd_loop),
        HostileCase("png_header_only_bomb.png", "PAGE_TOO_LARGE", _png_header_bomb),
        HostileCase("page_turned_45_degrees.png", READ, _turned_45),
        HostileCase("pdf_20_pages_at_pixel_limit.pdf", READ, _pdf_at_pixel_limit, heavy=True),
    )


def hostile_inputs(out_dir: Path, *, heavy: bool = False) -> dict[str, tuple[Path, str]]:
    """Write the hostile corpus to ``out_dir``: {file name: (path, expected outcome)}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for case in hostile_cases():
        if case.heavy and not heavy:
            continue
        path = out_dir / case.name
        path.write_bytes(case.build())
        written[case.name] = (path, case.expected)
    return written


@lru_cache(maxsize=2)
def _clean_page(seed: int = 501) -> Image.Image:
    """A clean generated prescription page (grey)."""
    data = generate_document(
        seed=seed, index=0, doc_type="prescription", fmt="png", degrade=False
    ).data
    return Image.open(io.BytesIO(data)).convert("L")


def _image_bytes(image: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def _prescription_pdf(seed: int = 502) -> bytes:
    return generate_document(seed=seed, index=0, doc_type="prescription", fmt="pdf").data


def _polyglot() -> bytes:
    """A small blank JPEG (what a viewer shows) with a whole prescription PDF after its
    end, its header within the first kilobyte."""
    blank = _image_bytes(Image.new("L", (85, 110), 250), "JPEG", quality=50)
    return blank + _prescription_pdf()


def _zip_of_pdfs() -> bytes:
    """A ZIP archive holding two prescription PDFs, stored uncompressed (so the PDF
    header sits in the first kilobyte)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        for n in range(2):
            info = zipfile.ZipInfo(f"scan{n}.pdf", date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, _prescription_pdf(510 + n))
    return buf.getvalue()


def _jpeg_with_pdf_comment() -> bytes:
    """A prescription JPEG whose comment segment says ``%PDF-1.7``."""
    return _image_bytes(_clean_page(), "JPEG", quality=90, comment=b"%PDF-1.7 scanned by X")


def _png_16_bit() -> bytes:
    """A prescription as a 16-bit greyscale PNG (as some scanners write)."""
    samples = np.asarray(_clean_page(), dtype=np.uint16) * 257
    return _image_bytes(Image.fromarray(samples), "PNG")


def _png_transparent() -> bytes:
    """Black text on a transparent background (alpha carries the page)."""
    ink = 255 - np.asarray(_clean_page())  # the text's coverage
    black = np.zeros_like(ink)
    return _image_bytes(Image.fromarray(np.dstack([black, black, black, ink]), "RGBA"), "PNG")


def _turned_45() -> bytes:
    return _image_bytes(
        _clean_page().rotate(45, expand=True, fillcolor=250, resample=Image.Resampling.BICUBIC),
        "PNG",
    )


def _pdf_objects(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        xref,
    )
    return bytes(out)


def _stream(dictionary: bytes, payload: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(payload)) + payload + b"\nendstream"


def _pdf_huge_later_pages() -> bytes:
    """Page 1 a letter page; pages 2 and 3 declare 100 x 100 inches (7200 pt)."""
    return _pdf_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 7200 7200] >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 7200 7200] >>",
        ]
    )


def _pdf_huge_mediabox() -> bytes:
    """A letter-sized CropBox on a 100 x 100 inch MediaBox."""
    return _pdf_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 7200 7200] /CropBox [0 0 612 792] >>",
        ]
    )


def _pdf_bombs(pages: int) -> bytes:
    """``pages`` letter pages, each drawing one 1-bit 30000 x 30000 image (all white,
    a few kilobytes compressed; about 112 MB, or 900 Mpx, decoded)."""
    side = BOMB_SIDE
    row = b"\xff" * (side // 8)
    packer = zlib.compressobj(9)
    payload = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    image = _stream(
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 1 /Filter /FlateDecode" % (side, side),
        payload,
    )
    draw = _stream(b"", b"q 612 0 0 792 0 0 cm /Im0 Do Q")
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        image,
        draw,
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /XObject << /Im0 3 0 R >> >> /Contents 4 0 R >>"
    ] * pages
    return _pdf_objects(objects)


def _pdf_fan_out() -> bytes:
    """A page tree 30 levels deep in which every node lists its child ten times: 10^30
    paths to one blank page, in a few kilobytes; every node's /Count says 2."""
    depth, fan = 30, 10  # the /Count is 2 at every level: two visits
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = 2 + level
        kids = b" ".join([b"%d 0 R" % (number + 1)] * fan)
        parent = b" /Parent %d 0 R" % (number - 1) if level else b""
        objects.append(b"<< /Type /Pages%s /Kids [%s] /Count 2 >>" % (parent, kids))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] >>" % (1 + depth))
    return _pdf_objects(objects)


def _tiff_bad_ifd() -> bytes:
    """A blank TIFF whose resolution tag claims more values than the file holds."""
    data = bytearray(_image_bytes(Image.new("L", (850, 1100), 250), "TIFF", dpi=(100, 100)))
    # Find the XResolution entry (tag 282, type RATIONAL) and claim 1000 values.
    offset = struct.unpack("<I", data[4:8])[0]
    entries = struct.unpack("<H", data[offset : offset + 2])[0]
    for n in range(entries):
        at = offset + 2 + 12 * n
        (tag,) = struct.unpack("<H", data[at : at + 2])
        if tag == 282:
            data[at + 4 : at + 8] = struct.pack("<I", 1000)
    return bytes(data)


def _jpeg_bad_exif() -> bytes:
    """A blank JPEG whose EXIF block says it holds more entries than it does."""
    exif = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x40\x00" + b"\x00" * 6
    segment = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    jpeg = _image_bytes(Image.new("L", (850, 1100), 250), "JPEG", quality=90)
    return jpeg[:2] + segment + jpeg[2:]


def _tiff_many_frames() -> bytes:
    frames = [Image.new("1", (8, 8), 1) for _ in range(200)]
    return _image_bytes(frames[0], "TIFF", save_all=True, append_images=frames[1:])


def _tiff_ifd_loop() -> bytes:
    """A TIFF whose first directory names itself as the next one: endless frames."""
    data = bytearray(_image_bytes(Image.new("L", (64, 64), 250), "TIFF"))
    offset = struct.unpack("<I", data[4:8])[0]
    entries = struct.unpack("<H", data[offset : offset + 2])[0]
    next_at = offset + 2 + 12 * entries
    data[next_at : next_at + 4] = struct.pack("<I", offset)
    return bytes(data)


def _png_header_bomb() -> bytes:
    """A PNG whose header declares 100000 x 100000 pixels, with one row of data."""
    header = struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" + b"\xff" * 100000))
        + _png_chunk(b"IEND", b"")
    )


def _pdf_at_pixel_limit(pages: int = 20) -> bytes:
    """``pages`` pages of 27 x 36 inches, each a 5400 x 7200 (38.9 Mpx) 200 ppi scan: a
    prescription on a large white sheet (the largest document the limits allow)."""
    form = _clean_page()
    sheet = Image.new("L", (5400, 7200), 250)
    sheet.paste(form, (200, 200))
    scans = [sheet] * pages
    return _pdf(scans, 200)
