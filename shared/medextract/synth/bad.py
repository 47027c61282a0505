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
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from medextract.synth.fonts import FACES, font
from medextract.synth.generate import _PDF_DATE, generate_document

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
