"""Turn a photographed or scanned page into a clean, deskewed, binary page, its text
lines running across it (which way up is ``orient``'s decision).

Each stage is a plain function from an image to an image (OCRmyPDF's shape), so a
retry can run the same page through a different variant. All work happens on a
grey page normalised to a fixed size, so one set of constants serves every input
resolution from 150 to 330 pixels per inch.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

# The long side of a normalised page: US Letter / A4 at about 200 pixels per inch.
NORMAL_LONG_SIDE = 2200
# Grey level (0-255, on the flattened page) above which nothing is ink: folds, creases.
INK_CEILING = 205
# Long side over short side of a page the page finder will accept (Letter 1.29, A4 1.41).
PAGE_ASPECT = (1.15, 1.6)
# A rule is at least this long (pixels on the normalised page; letters are ~30 high),
RULE_LENGTH = 120
# thinner than this (a line of text is thicker),
RULE_THICKNESS = 9
# and at least this many grey levels darker than its surroundings.
RULE_CONTRAST = 6
# A form's rules are found up to about 3 degrees off level (``find_rules``' slant).
RULE_SLANT = 2


@dataclass(frozen=True)
class PreparedPage:
    """A page ready for OCR, with what was done to it."""

    binary: np.ndarray  # uint8, text black (0) on white (255)
    grey: np.ndarray  # uint8, shadow- and cast-free grey, same geometry as ``binary``
    rotation: int  # degrees clockwise applied: 0, 90, 180, 270
    skew: float  # degrees of skew removed
    scale: float  # normalised pixels per source pixel
    # A form in dropout ink (``prepare_form``): its printed rules, 255 on 0, same geometry;
    # ``binary`` and ``grey`` then hold the fill-ins only.
    rules: np.ndarray | None = None

    def turned(self, quarter_turns: int) -> PreparedPage:
        """The same page turned a further ``quarter_turns`` x 90 degrees clockwise."""
        k = (-quarter_turns) % 4  # np.rot90 turns anticlockwise
        return PreparedPage(
            binary=np.ascontiguousarray(np.rot90(self.binary, k)),
            grey=np.ascontiguousarray(np.rot90(self.grey, k)),
            rotation=(self.rotation + 90 * quarter_turns) % 360,
            skew=self.skew,
            scale=self.scale,
            rules=None if self.rules is None else np.ascontiguousarray(np.rot90(self.rules, k)),
        )


def to_grey(page: Image.Image) -> np.ndarray:
    """Luminance, which drops most colour casts (purple, blue, yellow) on its own."""
    return np.asarray(page if page.mode == "L" else page.convert("L"))


def find_page(grey: np.ndarray) -> np.ndarray | None:
    """The paper's four corners in a photo of a page on a darker surface, or None.

    Cautious by design: it answers only when the brightest large region is a convex
    quadrilateral covering 30-92 % of the frame (a scan, where the paper is the whole
    frame, or a page on a white desk, gets None and is left as it is).
    """
    scale = 600 / max(grey.shape)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    paper = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(paper) / small.size
    if not 0.30 <= share <= 0.92:
        return None
    arc = cv2.arcLength(paper, True)
    quad = _uncut(cv2.approxPolyDP(paper, 0.01 * arc, True).reshape(-1, 2), arc)
    if quad is None:
        quad = cv2.approxPolyDP(paper, 0.02 * arc, True)
    if len(quad) != 4 or not cv2.isContourConvex(quad):
        return None
    corners = quad.reshape(4, 2).astype(np.float32) / scale
    width, height = _quad_size(corners)
    # A Letter or A4 page, either way up; anything else is a shadow or a desk shape.
    if not PAGE_ASPECT[0] <= max(width, height) / max(1, min(width, height)) <= PAGE_ASPECT[1]:
        return None
    # Never crop away writing: the quad must hold nearly all character-sized ink.
    local = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 25, 15
    )
    chars = character_mask(local, largest=40, smallest=3)
    inside = np.zeros_like(chars)
    cv2.fillConvexPoly(inside, quad.reshape(-1, 2), 1)
    total = int(chars.sum())
    if total == 0 or int((chars & inside).sum()) < 0.99 * total:
        return None
    return corners


# A folded corner cuts off at most this share of the paper's outline.
FOLD = 0.1


def _uncut(outline: np.ndarray, arc: float) -> np.ndarray | None:
    """The paper's four corners from its outline of five, one corner folded over or torn
    off (a short side between two long ones): the lost corner is where the two sides
    beside the cut meet. A four-sided outline made of the fold's lower end and the page's
    other corners would flatten the page askew (seed 34116/6: its rows 2 degrees off
    level, a name's last name lost). None for any other outline."""
    if len(outline) != 5:
        return None
    points = outline.astype(np.float64)
    sides = np.linalg.norm(np.roll(points, -1, axis=0) - points, axis=1)
    cut = int(np.argmin(sides))  # from point cut to point cut + 1
    if sides[cut] > FOLD * arc:
        return None
    a0, a1 = points[(cut - 1) % 5], points[cut]  # the side before the cut
    b0, b1 = points[(cut + 1) % 5], points[(cut + 2) % 5]  # the side after it
    da, db = a1 - a0, b1 - b0
    cross = da[0] * db[1] - da[1] * db[0]
    if abs(cross) < 1e-6 * np.linalg.norm(da) * np.linalg.norm(db):
        return None  # parallel sides: no corner
    t = ((b0[0] - a0[0]) * db[1] - (b0[1] - a0[1]) * db[0]) / cross
    corner = a0 + t * da
    if np.linalg.norm(corner - (a1 + b0) / 2) > sides[cut]:
        return None  # the sides meet far from the cut: no corner lost there
    # The corner in the cut's place, then the outline's other three points in their order.
    quad = [corner, *(points[(cut + k) % 5] for k in (2, 3, 4))]
    return np.round(np.array(quad)).astype(np.int32).reshape(-1, 1, 2)


def _order(corners: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    s = corners.sum(axis=1)
    d = np.diff(corners, axis=1).ravel()
    return np.array(
        [
            corners[np.argmin(s)],
            corners[np.argmin(d)],
            corners[np.argmax(s)],
            corners[np.argmax(d)],
        ],
        np.float32,
    )


def _quad_size(corners: np.ndarray) -> tuple[int, int]:
    tl, tr, br, bl = _order(corners)
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    return width, height


def flatten_page(grey: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The page cut out of the photo and warped to a rectangle (undoes perspective)."""
    width, height = _quad_size(corners)
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32
    )
    matrix = cv2.getPerspectiveTransform(_order(corners), target)
    return cv2.warpPerspective(
        grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def normalise_size(grey: np.ndarray) -> tuple[np.ndarray, float]:
    scale = NORMAL_LONG_SIDE / max(grey.shape)
    if abs(scale - 1) < 0.02:
        return grey, 1.0
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(grey, None, fx=scale, fy=scale, interpolation=interpolation), scale


def flatten_background(grey: np.ndarray) -> np.ndarray:
    """Divide by the estimated paper brightness: removes shadows, casts, blotches.

    The paper is estimated by a max filter wider than any pen stroke (so text
    vanishes from the estimate) on a quarter-size copy, then smoothed. Large dark
    areas (photocopier blotches, a hand's shadow) are part of the estimate, so they
    divide out to white while the text inside them stays dark.
    """
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    paper = cv2.medianBlur(paper, 9)
    paper = cv2.resize(paper, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(grey, np.maximum(paper, 1), scale=255)
    return flat


def binarise(flat: np.ndarray) -> np.ndarray:
    """Ink is darker than its surroundings *and* darker than a fixed grey.

    A global Otsu threshold breaks the thin strokes of a blurred, low-resolution
    photo; a local threshold (20 grey levels under the Gaussian-weighted mean) keeps
    them. The fixed ceiling keeps out what is only faintly darker than the paper:
    fold lines and creases, which the local threshold alone turns into ink.
    """
    local = cv2.adaptiveThreshold(
        flat, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 51, 20
    )
    return np.where((local == 0) & (flat < INK_CEILING), 0, 255).astype(np.uint8)


def ink_fraction(binary: np.ndarray) -> float:
    return float(np.count_nonzero(binary == 0)) / binary.size


def _profile_score(ink: np.ndarray) -> float:
    """How sharply ink falls into rows: high for horizontal text lines."""
    rows = ink.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def _rotate(image: np.ndarray, degrees: float, border: int) -> np.ndarray:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(
        image,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )


def character_mask(binary: np.ndarray, largest: int = 120, smallest: int = 6) -> np.ndarray:
    """Ink of character-sized components only: no rules, page edges, desk or blotches."""
    ink = (binary == 0).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h, area = (
        stats[:, cv2.CC_STAT_WIDTH],
        stats[:, cv2.CC_STAT_HEIGHT],
        stats[:, cv2.CC_STAT_AREA],
    )
    size, thin = np.maximum(w, h), np.maximum(np.minimum(w, h), 1)
    # Dashes of a thresholded fold line are long and thin; letters (but l, I, 1) are not.
    keep = (size <= largest) & (size >= smallest) & (area >= 2 * smallest) & (size <= 5 * thin)
    keep[0] = False
    return keep[labels].astype(np.uint8)


@dataclass(frozen=True)
class Layout:
    quarter: int  # quarter turns clockwise that make text lines horizontal
    skew: float  # degrees
    sharpness: float  # how crisply the ink falls into rows once turned (0-1, scale-free)


def half_size_characters(binary: np.ndarray) -> np.ndarray:
    """``character_mask`` of a half-size copy of the page (a quarter of the work)."""
    half = cv2.resize(binary, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    return character_mask(np.where(half < 160, 0, 255).astype(np.uint8), largest=60, smallest=3)


def estimate_layout(binary: np.ndarray) -> Layout:
    """Which way the text lines run, and their skew.

    Works on the character-sized ink of a small copy: for each of the two axes,
    search the skew angle that makes the ink projection sharpest (in 0.5 degree
    steps on an eighth-size copy, then in 0.1 degree steps on a quarter-size one);
    the axis with the sharper best profile is the one the text lines run along.
    Whether the page is also upside down is ``orient.upright``'s question.
    """
    chars = half_size_characters(binary)
    ink = cv2.resize(chars.astype(np.float32), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    coarse_ink = cv2.resize(ink, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    best: tuple[float, int, float] = (-1.0, 0, 0.0)
    for quarter in (0, 1):
        candidate = np.rot90(coarse_ink, -quarter) if quarter else coarse_ink
        for angle in np.arange(-5.0, 5.01, 0.5):
            score = _profile_score(_rotate(candidate, float(angle), 0))
            if score > best[0]:
                best = (score, quarter, float(angle))
    _, quarter, coarse = best
    candidate = np.rot90(ink, -quarter) if quarter else ink
    fine = max(
        np.arange(coarse - 0.5, coarse + 0.51, 0.1),
        key=lambda a: _profile_score(_rotate(candidate, float(a), 0)),
    )
    rows = _rotate(candidate, float(fine), 0).sum(axis=1, dtype=np.float64)
    sharpness = float(np.square(np.diff(rows)).sum() / max(np.square(rows).sum(), 1e-9))
    return Layout(quarter, round(float(fine), 2), sharpness)


def find_rules(flat: np.ndarray, slant: int = 0) -> np.ndarray:
    """Long thin horizontal and vertical lines (underlines, box edges), as a mask.

    Found on the grey page with a lenient local threshold, because a photographed
    underline is often fainter than the text: the strict threshold of ``binarise``
    breaks it into dashes that are too short to look like a rule but that tesseract
    reads as part of the letters above. Thin only: a band as thick as a line of text
    (letters a blur has merged) is never a rule. Searched at half size (a rule is
    long; six times faster), the mask comes back at full size.

    With ``slant``, a rule a few degrees off level is found whole (a page photographed at
    an angle has rules that lean differently at its two sides, so no one rotation levels
    them all): the ink is thickened across a rule by ``slant`` pixels each way (at half
    size) before its length is measured, and the mask kept to the rule's own ink.
    """
    small = cv2.resize(flat, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY_INV, 25, RULE_CONTRAST
    )
    along = cv2.getStructuringElement(cv2.MORPH_RECT, (RULE_LENGTH // 2 + 1, 1))  # odd: no shift
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (RULE_THICKNESS // 2 + 1 + 2 * slant, 1))
    widen = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * slant + 1, 1))
    lines = []
    for kernel, thick, wide in ((along, across.T, widen.T), (along.T, across, widen)):
        seen = cv2.dilate(ink, wide) if slant else ink
        line = cv2.morphologyEx(seen, cv2.MORPH_OPEN, kernel)
        lines.append(cv2.subtract(line, cv2.morphologyEx(line, cv2.MORPH_OPEN, thick)))
    found = cv2.max(*lines)
    if slant:
        found = cv2.bitwise_and(found, cv2.dilate(ink, np.ones((3, 3), np.uint8)))
    rules = cv2.resize(found, (flat.shape[1], flat.shape[0]), interpolation=cv2.INTER_NEAREST)
    return cv2.dilate(rules, np.ones((3, 3), np.uint8))


def remove_rules(binary: np.ndarray, grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Erase the rules ``find_rules`` sees from both the binary and the grey page.

    Tesseract reads an underline touching the text as part of the letters; the
    rule carries no information we need, so it goes, from the second reading's
    grey image as much as from the first reading's binary one.
    """
    rules = find_rules(grey)
    return cv2.max(binary, rules), cv2.max(grey, rules)


def remove_edge_blobs(binary: np.ndarray) -> np.ndarray:
    """Whiten large ink blobs touching the page edge (photocopy blotches, desk)."""
    ink = (binary == 0).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = binary.shape
    margin = 3
    x, y, bw, bh, area = (stats[:, i] for i in range(5))
    touches = (x <= margin) | (y <= margin) | (x + bw >= w - margin) | (y + bh >= h - margin)
    blob = touches & ((bw > 60) | (bh > 60)) & (area > 400)
    blob[0] = False  # label 0 is the paper
    out = binary.copy()
    out[blob[labels]] = 255
    return out


def _read_geometry(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, Layout]:
    grey, scale = normalise_size(grey)
    flat = flatten_background(grey)
    binary = binarise(flat)
    return flat, binary, scale, estimate_layout(binary)


def prepare(page: Image.Image) -> PreparedPage:
    """The default variant: grey, normalised size, flat background, text lines across
    the page and deskewed, binary. Which way up it is read is ``orient.upright``'s
    decision."""
    grey = to_grey(page)
    flat, binary, scale, layout = _read_geometry(grey)
    corners = find_page(grey)
    if corners is not None:
        # Keep the flattened page only if its text lines come out straighter: a quad
        # with a corner lost in shadow would warp the page instead of flattening it.
        flattened = _read_geometry(flatten_page(grey, corners))
        if flattened[3].sharpness > layout.sharpness:
            flat, binary, scale, layout = flattened
    if layout.quarter:
        flat = np.ascontiguousarray(np.rot90(flat, -layout.quarter))
        binary = np.ascontiguousarray(np.rot90(binary, -layout.quarter))
    if abs(layout.skew) >= 0.2:
        flat = _rotate(flat, layout.skew, 255)
        binary = _rotate(binary, layout.skew, 255)
        binary = np.where(binary > 127, 255, 0).astype(np.uint8)
    binary, flat = remove_rules(binary, flat)
    binary = remove_edge_blobs(binary)
    return PreparedPage(
        binary=binary, grey=flat, rotation=90 * layout.quarter, skew=layout.skew, scale=scale
    )


# --------------------------------------------------------------------------------------
# A form printed in dropout ink (the CMS-1500 claim): its own ink dropped, its rules kept
# apart for finding the form on the page.
# --------------------------------------------------------------------------------------

# A colour page is the form's ink where red stands this far above green and blue...
DROPOUT_MARGIN = 40
# ...or, on paper whose red or blue stands this far above its green (its 90th percentile:
# a pink, purple or blue cast; a blue-lit page 28 above, seed 34116/26, kept its labels at
# 30), this far above them once each channel is divided by its paper.
CAST_PAPER = 20
PAPER_PERCENTILE = 90
DROPOUT_MARGIN_CAST = 25
# ...and on a grey page (a grey scan of a red form), where the flattened grey is lighter
# than this: the red ink greys to about 180, typed or written values to under 100.
DROPOUT_GREY = 150
# The form ink's redness (red over green, each divided by its paper) times this is how much
# darker than white it is drawn for finding its rules (``form_ink``).
INK_GAIN = 4
# Ink this dark on the page without its form ink is a value's, even where a rule lies.
VALUE_INK = 100


def drop_form_ink(page: Image.Image) -> np.ndarray:
    """The page in grey without the form's own red "dropout" ink, which exists so that a
    reader can drop it: a colour page's red channel (red ink is as light as the paper
    there; black, blue or grey fill-ins stay dark). A grey page comes back as it is; its
    form ink, which greys to a light grey, is dropped by lightness once its background is
    flat (``prepare_form``)."""
    if page.mode == "L":
        return np.asarray(page)
    rgb = np.asarray(page.convert("RGB"))
    margin = DROPOUT_MARGIN
    paper = np.percentile(rgb[::4, ::4].reshape(-1, 3), PAPER_PERCENTILE, axis=0)
    if max(paper[0], paper[2]) - paper[1] > CAST_PAPER:
        # Under a pink or purple light the paper is itself reddish and the red ink only a
        # little redder, and under a blue one the ink's blue is as high as its red: each
        # channel is divided by its paper first.
        rgb = np.dstack([flatten_background(np.ascontiguousarray(rgb[..., c])) for c in range(3)])
        margin = DROPOUT_MARGIN_CAST
    channels = rgb.astype(np.int16)
    red, others = channels[..., 0], np.maximum(channels[..., 1], channels[..., 2])
    reddish = red - others > margin
    grey = np.asarray(page.convert("L")).copy()
    grey[reddish] = 255
    # Anti-aliased edges of the red ink: a pixel whose red channel is light is paper.
    return np.where(red > 200, np.maximum(grey, red.astype(np.uint8)), grey).astype(np.uint8)


def form_ink(page: Image.Image) -> np.ndarray | None:
    """A colour page's red form ink alone, dark on white: how far each pixel's red stands
    above its green once each is divided by its paper (so a cast or a shadow is gone, and
    black or blue values, whose red is not above their green, are white). None for a grey
    page. The form's rules stand out there where the luminance has little contrast."""
    if page.mode == "L":
        return None
    rgb = np.asarray(page.convert("RGB"))
    red, green = (flatten_background(np.ascontiguousarray(rgb[..., c])) for c in (0, 1))
    redness = np.maximum(red.astype(np.int16) - green.astype(np.int16), 0)
    return np.clip(255 - INK_GAIN * redness, 0, 255).astype(np.uint8)


def _companion(image: np.ndarray, grey_shape: tuple[int, int]) -> np.ndarray:
    return cv2.resize(image, (grey_shape[1], grey_shape[0]), interpolation=cv2.INTER_AREA)


def prepare_form(page: Image.Image) -> PreparedPage:
    """``prepare`` for a form printed in dropout ink: the page's geometry (flattening,
    the text lines' axis, skew) is found on its luminance, where the form's rules
    and text are; the same geometry is applied to the page without its form ink
    (``drop_form_ink``), which becomes ``binary`` and ``grey``; the rules found on the
    luminance are kept in ``rules``."""
    luminance = to_grey(page)
    dropped = drop_form_ink(page)
    grey, scale = normalise_size(luminance)
    fills = _companion(dropped, grey.shape)
    ink = form_ink(page)
    inked = [] if ink is None else [_companion(ink, grey.shape)]
    corners = find_page(grey)
    if corners is not None:
        grey, fills = flatten_page(grey, corners), flatten_page(fills, corners)
        inked = [flatten_page(a, corners) for a in inked]
    flat = flatten_background(grey)
    clean = flatten_background(fills)
    if page.mode == "L":
        clean = np.where(clean > DROPOUT_GREY, 255, clean).astype(np.uint8)
    layout = estimate_layout(binarise(clean))
    if layout.quarter:
        turn = -layout.quarter
        flat, clean = (np.ascontiguousarray(np.rot90(a, turn)) for a in (flat, clean))
        inked = [np.ascontiguousarray(np.rot90(a, turn)) for a in inked]
    if abs(layout.skew) >= 0.2:
        flat, clean = _rotate(flat, layout.skew, 255), _rotate(clean, layout.skew, 255)
        inked = [_rotate(a, layout.skew, 255) for a in inked]
    # The frame's rules: those of the page's luminance and, on a colour page, those of its
    # form ink alone (found where a cast or a shadow leaves the luminance no contrast).
    rules = find_rules(flat, RULE_SLANT)
    for image in inked:
        rules = cv2.max(rules, find_rules(image, RULE_SLANT))
    # The rules erased from the values are found level (one found leaning would take a
    # letter touching it); those the frame is found by, up to a few degrees off.
    erased = np.where(clean < VALUE_INK, 0, find_rules(flat)).astype(np.uint8)
    binary = remove_edge_blobs(cv2.max(binarise(clean), erased))
    return PreparedPage(
        binary=binary,
        grey=cv2.max(clean, erased),
        rotation=90 * layout.quarter,
        skew=layout.skew,
        scale=scale,
        rules=rules,
    )
