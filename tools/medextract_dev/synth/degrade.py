"""Turn a clean 300 ppi page into what a clinic receives: a phone photo or a scan.

Each document gets a ``Capture`` plan (photo, scan or clean; which degradations; the
resolution and rotation), then every page goes through the same physical order:

1. the paper itself: fold lines, photocopy blotches at the edges, a curled corner;
2. resampling to the target resolution (150-330 ppi), and a page that does not lie flat;
3. the camera or scanner geometry: skew, mild perspective, the desk around the page
   (a phone frames it at 3:4);
4. light and sensor: a hand or phone shadow, a lamp's glare, a colour cast, low
   contrast, vignetting, defocus or motion blur, sensor noise, JPEG artefacts;
5. a quarter-turn rotation for pages fed or photographed sideways.

Every effect keeps the text legible to a person: shadows darken the paper to no
less than about 45% of its brightness, glare lifts it at most ~45% toward white,
blotches and curls are kept off the printed area (found from the page's own ink),
and skew plus perspective never push printed text out of the frame.

``KIND_WEIGHTS``, ``DEGRADATION_P``, ``EXTRA_P`` and ``ROTATION_P`` are the whole
recipe; the names a document got are listed, sorted, in its ground truth.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

BASE_PPI = 300

# Probabilities, per capture kind, that a degradation is applied to a document.
KIND_WEIGHTS = {"scan": 0.4, "photo": 0.6}  # of damaged documents (see ``plan``)
DEGRADATION_P: dict[str, dict[str, float]] = {
    "photo": {
        "skew": 0.7,
        "perspective": 0.6,
        "background": 0.45,
        "shadow": 0.55,
        "colour_cast": 0.55,
        "curled_corner": 0.3,
        "fold_lines": 0.25,
        "low_contrast": 0.6,
        "vignette": 0.5,
        "blur": 0.35,
        "noise": 0.85,
        "jpeg_artifacts": 0.7,
    },
    "scan": {
        "skew": 0.6,
        "photocopy_blotches": 0.4,
        "fold_lines": 0.3,
        "curled_corner": 0.1,
        "colour_cast": 0.15,
        "grayscale": 0.3,
        "blur": 0.2,
        "noise": 0.5,
        "jpeg_artifacts": 0.3,
    },
}
# Added later, drawn from a second random stream so the documents of a seed stay the
# same apart from these effects.
EXTRA_P: dict[str, dict[str, float]] = {
    "photo": {"page_bend": 0.3, "glare": 0.15, "motion_blur": 0.12},
    "scan": {},
}
# The shapes of a shadow over a photo: the recipe's own (``_shadow``), an arm and hand
# reaching in from an edge, or the phone's own hard-edged shadow.
SHADOWS = ("recipe", "arm", "phone_edge")
ROTATION_P = 0.165  # of degraded documents, so about 15% of a corpus
# A moderately damaged copy is a scan or photo without these.
HEAVY_ONLY = frozenset(
    {"blur", "motion_blur", "fold_lines", "curled_corner", "page_bend", "glare",
     "photocopy_blotches", "low_contrast"}
)  # fmt: skip
CASTS = {
    "purple": (0.93, 0.74, 1.0),
    "blue": (0.76, 0.87, 1.0),
    "yellow": (1.0, 0.94, 0.68),
}

# OpenCV's stubs do not track dtypes; these name the intent (uint8 pixels, float32 maps).
U8 = NDArray[Any]
F32 = NDArray[Any]


@dataclass
class Capture:
    kind: str
    ppi: int
    rotation: int
    chosen: set[str]
    cast: str = "yellow"
    applied: list[str] = field(default_factory=list)
    jpeg_quality: int | None = None  # of the artefacts pass, when there is one
    extra: random.Random = field(default_factory=lambda: random.Random(0))
    shadow_shape: str = "recipe"  # or "arm", "phone_edge" (``SHADOWS``)

    def note(self, name: str) -> None:
        if name not in self.applied:
            self.applied.append(name)


def plan(
    rng: random.Random,
    degrade: bool,
    extra: random.Random | None = None,
    tier: str = "heavy",
    shadow: str = "recipe",
) -> Capture:
    """How a document was captured. ``extra`` drives only the effects in ``EXTRA_P``.

    ``tier`` is the damage: ``clean`` (no effect, 150-330 ppi), ``moderate`` (a scan or
    photo without the effects in ``HEAVY_ONLY``) or ``heavy`` (the whole recipe).
    ``shadow`` other than ``recipe`` (``SHADOWS``) makes a damaged copy a photo with that
    shadow over it, as the returned scans show (an arm and hand, the phone's hard edge).
    """
    if shadow not in SHADOWS:
        raise ValueError(f"unknown shadow {shadow!r}; use one of {SHADOWS}")
    extra = extra or random.Random(0)
    if not degrade:
        return Capture(kind="clean", ppi=BASE_PPI, rotation=0, chosen=set())
    if tier == "clean":
        return Capture(kind="clean", ppi=rng.randint(150, 330), rotation=0, chosen=set())
    if tier not in ("moderate", "heavy"):
        raise ValueError(f"unknown damage tier {tier!r}")
    kinds, weights = zip(*KIND_WEIGHTS.items(), strict=True)
    kind = rng.choices(kinds, weights=weights)[0]
    if shadow != "recipe":
        kind = "photo"  # a hand or phone between the lamp and the page: a photo
    chosen = {name for name, p in DEGRADATION_P[kind].items() if rng.random() < p}
    rotation = rng.choice((90, 180, 270)) if rng.random() < ROTATION_P else 0
    cast = rng.choice(("yellow",) if kind == "scan" else tuple(CASTS))
    ppi = rng.randint(150, 330)
    chosen |= {name for name, p in EXTRA_P[kind].items() if extra.random() < p}
    if tier == "moderate":
        chosen -= HEAVY_ONLY
    if shadow != "recipe":
        chosen.add("shadow")
    return Capture(
        kind=kind,
        ppi=ppi,
        rotation=rotation,
        chosen=chosen,
        cast=cast,
        extra=extra,
        shadow_shape=shadow,
    )


def apply(
    page: Image.Image, capture: Capture, rng: random.Random, nprng: np.random.Generator
) -> Image.Image:
    """One clean 300 ppi page in, the captured page out (at ``capture.ppi``)."""
    paper: U8 = np.asarray(page.convert("RGB"), dtype=np.uint8).copy()
    h, w = paper.shape[:2]
    content = _content_box(paper)
    alpha: U8 = np.full((h, w), 255, dtype=np.uint8)
    on = capture.chosen

    if "fold_lines" in on:
        _fold_lines(paper, rng)
        capture.note("fold_lines")
    if "photocopy_blotches" in on and _blotches(paper, content, rng, nprng):
        capture.note("photocopy_blotches")
    if "curled_corner" in on and _curl(paper, alpha, content, rng):
        capture.note("curled_corner")

    # Resample first (INTER_AREA keeps thin strokes), then move the page at the target size.
    if capture.kind == "photo" and "background" in on:
        capture.ppi = max(capture.ppi, math.ceil(150 / 0.84))  # the page fills ~84-93% of the frame
    target = (round(8.5 * capture.ppi), round(11 * capture.ppi))
    k = target[0] / w
    paper = cv2.resize(paper, target, interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(alpha, target, interpolation=cv2.INTER_AREA)
    content = (
        round(content[0] * k),
        round(content[1] * k),
        round(content[2] * k),
        round(content[3] * k),
    )
    if "page_bend" in on:
        paper, alpha = _bend(paper, alpha, capture.extra)
        capture.note("page_bend")
    img = (
        paper if capture.kind == "clean" else _geometry(paper, alpha, content, capture, rng, nprng)
    )

    if any(n in on for n in ("shadow", "colour_cast", "low_contrast", "vignette", "glare")):
        img = _light(img, capture, rng, nprng)
    if "blur" in on:
        sigma = rng.uniform(0.5, 1.0) * capture.ppi / BASE_PPI + 0.3
        img = cv2.GaussianBlur(img, (0, 0), sigma)
        capture.note("blur")
    if "motion_blur" in on:  # the hand moved a little: a short streak at one angle
        length = (
            capture.extra.choice((3, 3, 5))
            if capture.ppi < 250
            else capture.extra.choice((3, 5, 5, 7))
        )
        kernel: F32 = np.zeros((length, length), dtype=np.float32)
        kernel[length // 2, :] = 1.0
        turn = cv2.getRotationMatrix2D(
            ((length - 1) / 2, (length - 1) / 2), capture.extra.uniform(0, 180), 1.0
        )
        kernel = cv2.warpAffine(kernel, turn, (length, length))
        img = cv2.filter2D(img, -1, kernel / kernel.sum())
        capture.note("motion_blur")
    if "noise" in on:
        sigma = rng.uniform(3.0, 8.0)
        ih, iw = img.shape[:2]
        luma = nprng.standard_normal((ih, iw), dtype=np.float32) * sigma
        chroma = nprng.standard_normal((ih // 2, iw // 2, 3), dtype=np.float32) * (sigma / 2)
        noisy = img.astype(np.float32)
        noisy += luma[..., None]
        noisy += cv2.resize(chroma, (iw, ih), interpolation=cv2.INTER_NEAREST)
        np.clip(noisy, 0, 255, out=noisy)
        img = noisy.astype(np.uint8)
        capture.note("noise")
    if "grayscale" in on:
        grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        img = cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
        capture.note("grayscale")
    if "jpeg_artifacts" in on:
        quality = rng.randint(40, 72)
        ok, buf = cv2.imencode(".jpg", img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
        decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else None
        if decoded is not None:
            img = decoded[..., ::-1]
            capture.note("jpeg_artifacts")
            capture.jpeg_quality = quality
    out = Image.fromarray(np.ascontiguousarray(img))
    if "grayscale" in on:
        out = out.convert("L")
    if capture.rotation:
        # ``rotation`` is clockwise; Pillow's ROTATE_n turns counter-clockwise.
        out = out.transpose(
            {
                90: Image.Transpose.ROTATE_270,
                180: Image.Transpose.ROTATE_180,
                270: Image.Transpose.ROTATE_90,
            }[capture.rotation]
        )
        capture.note(f"rotated_{capture.rotation}")
    if capture.ppi < 200:
        capture.note("low_resolution")
    return out


def _content_box(img: U8) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of everything printed on the page."""
    step = 3  # a sampled grid is exact enough: every use adds a margin
    ink = img[::step, ::step].min(axis=2) < 200
    ys = np.flatnonzero(ink.any(axis=1))
    xs = np.flatnonzero(ink.any(axis=0))
    if not len(xs):
        return img.shape[1] // 4, img.shape[0] // 4, img.shape[1] * 3 // 4, img.shape[0] * 3 // 4
    return (int(xs[0]) * step - step, int(ys[0]) * step - step,
            int(xs[-1]) * step + step, int(ys[-1]) * step + step)  # fmt: skip


# --- the paper ------------------------------------------------------------------------


def _fold_lines(paper: U8, rng: random.Random) -> None:
    """Creases from folding the page in three (horizontal) or in half (vertical)."""
    h, w = paper.shape[:2]
    folds: list[tuple[str, float]] = []
    if rng.random() < 0.7:
        folds += [("h", h / 3 + rng.uniform(-60, 60)), ("h", 2 * h / 3 + rng.uniform(-60, 60))]
    if rng.random() < 0.4 or not folds:
        folds.append(("v", w / 2 + rng.uniform(-50, 50)))
    for axis, pos in folds:
        length = w if axis == "h" else h
        slope = rng.uniform(-0.006, 0.006)
        band = 50
        along = np.arange(length, dtype=np.float32)
        centre = pos + slope * (along - length / 2) + 3 * np.sin(along / rng.uniform(150, 400))
        lo = max(int(centre.min()) - band, 0)
        hi = min(int(centre.max()) + band, (h if axis == "h" else w))
        across = np.arange(lo, hi, dtype=np.float32)[:, None]
        d = across - centre[None, :]  # signed distance to the crease, (across, along)
        side = rng.choice((-1.0, 1.0))
        factor = 1.0 - rng.uniform(0.12, 0.22) * np.exp(-((d / 1.6) ** 2))  # the crease line
        factor -= side * 0.05 * np.tanh(d / 18.0) * np.exp(-np.abs(d) / 30.0)  # one side in shade
        factor = np.clip(factor, 0.6, 1.05)
        if axis == "h":
            region = paper[lo:hi, :, :].astype(np.float32) * factor[..., None]
            paper[lo:hi, :, :] = np.clip(region, 0, 255).astype(np.uint8)
        else:
            region = paper[:, lo:hi, :].astype(np.float32) * factor.T[..., None]
            paper[:, lo:hi, :] = np.clip(region, 0, 255).astype(np.uint8)


def _blotches(
    paper: U8, content: tuple[int, int, int, int], rng: random.Random, nprng: np.random.Generator
) -> bool:
    """Black toner blotches and an edge strip, as on a worn photocopier; off the text."""
    h, w = paper.shape[:2]
    scale = 4
    mask = np.zeros((h // scale, w // scale), dtype=np.uint8)
    for _ in range(rng.randint(2, 6)):
        edge = rng.choice("tblr")
        along = rng.uniform(0.05, 0.95)
        r = rng.randint(8, 40)
        if edge in "tb":
            cx, cy = (
                along * w / scale,
                (rng.uniform(-r, r * 0.6) if edge == "t" else h / scale - rng.uniform(-r, r * 0.6)),
            )
        else:
            cx, cy = (
                (rng.uniform(-r, r * 0.6) if edge == "l" else w / scale - rng.uniform(-r, r * 0.6)),
                along * h / scale,
            )
        for _ in range(rng.randint(4, 14)):  # a cluster of toner spots, not one oval
            dx, dy = rng.gauss(0, r * 0.6), rng.gauss(0, r * 0.6)
            spot = max(2, round(r * rng.uniform(0.15, 0.55)))
            cv2.circle(mask, (round(cx + dx), round(cy + dy)), spot, 255, -1)
    if rng.random() < 0.5:  # a dark strip along one edge: the copier lid left open
        thickness = rng.randint(4, 14)
        edge = rng.choice("lr")
        if edge == "l":
            mask[:, :thickness] = 255
        else:
            mask[:, -thickness:] = 255
    rough: U8 = np.asarray(nprng.integers(0, 256, size=mask.shape, dtype=np.uint8))
    rough = cv2.GaussianBlur(rough, (0, 0), 2)
    mask = np.where((cv2.GaussianBlur(mask, (0, 0), 2.5) > 90) & (rough > 100), 255, 0).astype(
        np.uint8
    )
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    full = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
    x0, y0, x1, y1 = content
    full[max(y0 - 30, 0) : y1 + 30, max(x0 - 30, 0) : x1 + 30] = 0
    if not full.any():
        return False
    tone = rng.randint(10, 40)
    where = full > 0
    a = (full[where].astype(np.float32) / 255)[:, None]
    paper[where] = (paper[where] * (1 - a) + tone * a).astype(np.uint8)
    return True


def _curl(paper: U8, alpha: U8, content: tuple[int, int, int, int], rng: random.Random) -> bool:
    """Lift one corner: the page beyond the curl is gone, the band before it shaded and squeezed."""
    h, w = paper.shape[:2]
    x0, y0, x1, y1 = content
    room = {  # Manhattan distance from each corner to the printed area
        "tl": x0 + y0,
        "tr": (w - x1) + y0,
        "bl": x0 + (h - y1),
        "br": (w - x1) + (h - y1),
    }
    corners = [c for c, r in room.items() if r - 40 >= 260]
    if not corners:
        return False
    corner = rng.choice(corners)
    reach = rng.randint(260, min(room[corner] - 40, 720))  # the squeezed band ends here
    cut = round(reach * rng.uniform(0.35, 0.55))  # the curl's edge
    flap = round(cut * rng.uniform(0.3, 0.6))  # the back of the page, seen past the curl

    flip_y = corner[0] == "b"
    flip_x = corner[1] == "r"
    ys = slice(h - reach, h) if flip_y else slice(0, reach)
    xs = slice(w - reach, w) if flip_x else slice(0, reach)
    roi = paper[ys, xs]
    aroi = alpha[ys, xs]
    if flip_y:
        roi, aroi = roi[::-1], aroi[::-1]
    if flip_x:
        roi, aroi = roi[:, ::-1], aroi[:, ::-1]
    roi_src = roi.copy()

    v, u = np.mgrid[0:reach, 0:reach].astype(np.float32)
    t = u + v
    band = (t >= cut) & (t < reach)
    t_src = np.where(band, (t - cut) / (reach - cut) * reach, t)
    ratio = np.where(t > 0, t_src / np.maximum(t, 1e-3), 1.0).astype(np.float32)
    warped = cv2.remap(
        roi_src, u * ratio, v * ratio, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    shade = np.where(band, 0.62 + 0.38 * np.clip((t - cut) / (reach - cut), 0, 1) ** 0.6, 1.0)
    out = warped.astype(np.float32) * shade[..., None]
    back = (t >= cut - flap) & (t < cut)
    paper_tone = np.median(roi_src.reshape(-1, 3), axis=0).astype(np.float32)
    gradient = 0.7 + 0.25 * np.clip((cut - t) / max(flap, 1), 0, 1)
    out = np.where(back[..., None], paper_tone * gradient[..., None], out)
    inside = t < reach
    roi[inside] = np.clip(out[inside], 0, 255).astype(np.uint8)
    aroi[t < cut - flap] = 0
    return True


# --- the camera or scanner ------------------------------------------------------------


def _background(h: int, w: int, rng: random.Random, nprng: np.random.Generator) -> U8:
    """A desk, table or cloth under the page."""
    base = np.array(
        rng.choice(
            (
                (118, 84, 56),
                (150, 112, 74),
                (48, 48, 54),
                (146, 146, 140),
                (62, 72, 102),
                (90, 60, 40),
            )
        ),
        dtype=np.float32,
    )
    sh, sw = h // 16, w // 16
    low = cv2.GaussianBlur(nprng.normal(0, 1, (sh, sw)).astype(np.float32), (0, 0), 6)
    low = low / (np.abs(low).max() + 1e-6)
    tex = 1.0 + 0.12 * low
    if rng.random() < 0.5:  # wood grain
        yy = np.arange(sh, dtype=np.float32)[:, None]
        xx = np.arange(sw, dtype=np.float32)[None, :]
        tex = tex + 0.06 * np.sin(yy / rng.uniform(1.5, 4.0) + 3 * low + xx * 0.01)
    img = np.clip(base[None, None, :] * tex[..., None], 0, 255).astype(np.uint8)
    return cv2.resize(img, (w, h), interpolation=cv2.INTER_CUBIC)


def _geometry(
    paper: U8,
    alpha: U8,
    content: tuple[int, int, int, int],
    capture: Capture,
    rng: random.Random,
    nprng: np.random.Generator,
) -> U8:
    h, w = paper.shape[:2]
    on = capture.chosen
    photo = capture.kind == "photo"
    desk = photo and "background" in on
    if desk:
        scale = rng.uniform(0.84, 0.93)
    elif photo:
        scale = rng.uniform(0.98, 1.02)
    elif capture.kind == "scan":
        scale = rng.uniform(0.97, 1.0)
    else:  # clean: the page exactly as drawn
        scale = 1.0
    angle = 0.0
    if "skew" in on:
        angle = rng.choice((-1, 1)) * rng.uniform(1.0, 4.0)
    elif photo:
        angle = rng.uniform(-0.6, 0.6)
    jitter = np.zeros((4, 2), dtype=np.float32)
    if "perspective" in on:
        jitter = np.array(
            [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)], dtype=np.float32
        )
        jitter *= rng.uniform(0.006, 0.02) * w
    shift = (
        np.array([rng.uniform(-0.02, 0.02) * w, rng.uniform(-0.02, 0.02) * h])
        if desk
        else np.zeros(2)
    )

    # A phone frames the desk at 3:4, a little taller than the page.
    frame_h = round(w * 4 / 3) if desk else h
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    x0, y0, x1, y1 = content
    printed = np.array([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]], dtype=np.float32)
    for _ in range(12):
        theta = math.radians(angle)
        rot = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
        centre = np.array([w / 2, h / 2])
        dst = ((src - centre) * scale) @ rot.T + np.array([w / 2, frame_h / 2]) + shift + jitter
        matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
        corners = cv2.perspectiveTransform(printed, matrix)[0]
        margin = 20
        inside_x = margin <= corners[:, 0].min() and corners[:, 0].max() <= w - margin
        inside_y = margin <= corners[:, 1].min() and corners[:, 1].max() <= frame_h - margin
        if inside_x and inside_y:
            break
        scale *= 0.98
        shift *= 0.5
        jitter *= 0.8
    if "skew" in on:
        capture.note("skew")
    if "perspective" in on:
        capture.note("perspective")

    flags = cv2.INTER_LINEAR
    warped = cv2.warpPerspective(
        paper, matrix, (w, frame_h), flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    mask = cv2.warpPerspective(
        alpha, matrix, (w, frame_h), flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    if photo:
        ground = _background(frame_h, w, rng, nprng)
        if desk:
            capture.note("background")
    elif "photocopy_blotches" in on:
        ground = np.full((h, w, 3), rng.randint(15, 45), dtype=np.uint8)
    else:
        ground = np.full((h, w, 3), rng.randint(225, 250), dtype=np.uint8)
    if photo:  # the page casts a soft shadow on the desk
        soft = cv2.GaussianBlur(mask, (0, 0), 4 + w / 300)
        ground = cv2.multiply(
            ground,
            cv2.cvtColor(255 - (soft * 0.35).astype(np.uint8), cv2.COLOR_GRAY2RGB),
            scale=1 / 255,
        )
    m3 = cv2.merge([mask, mask, mask])
    page = cv2.multiply(warped, m3, scale=1 / 255)
    desk_part = cv2.multiply(ground, 255 - m3, scale=1 / 255)
    return cv2.add(page, desk_part)


# --- light and sensor -----------------------------------------------------------------


def _light(img: U8, capture: Capture, rng: random.Random, nprng: np.random.Generator) -> U8:
    """Shadow, vignette, colour cast and low contrast as one smooth per-pixel gain and offset."""
    h, w = img.shape[:2]
    sh, sw = h // 8, w // 8
    on = capture.chosen
    gain = np.ones((sh, sw, 3), dtype=np.float32)
    offset = np.zeros(3, dtype=np.float32)
    if "shadow" in on:
        if capture.shadow_shape == "arm":
            gain *= _arm_shadow(sh, sw, rng)[..., None]
        elif capture.shadow_shape == "phone_edge":
            gain *= _edge_shadow(sh, sw, rng)[..., None]
        else:
            gain *= _shadow(sh, sw, rng)[..., None]
        capture.note("shadow")
    if "vignette" in on:
        yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
        r = np.sqrt(((xx - sw / 2) / (sw / 2)) ** 2 + ((yy - sh / 2) / (sh / 2)) ** 2)
        gain *= (1.0 - rng.uniform(0.1, 0.22) * np.clip(r - 0.4, 0, None) ** 1.5)[..., None]
        capture.note("vignette")
    tint = np.ones(3, dtype=np.float32)
    if "colour_cast" in on:
        tint = np.array(CASTS[capture.cast], dtype=np.float32)
        # A photo under coloured light takes the full tint; a scan only yellows a little.
        strength = rng.uniform(0.55, 1.0) if capture.kind == "photo" else rng.uniform(0.25, 0.5)
        gain *= (1.0 - strength * (1.0 - tint))[None, None, :]
        capture.note(f"colour_cast_{capture.cast}")
    if "low_contrast" in on:
        black = rng.uniform(0.06, 0.16)
        white = rng.uniform(0.86, 0.98)
        gain *= white - black * tint[None, None, :]
        offset = black * tint * 255
        capture.note("low_contrast")
    offsets: F32 = np.broadcast_to(offset[None, None, :], gain.shape).astype(np.float32)
    if "glare" in on:  # a lamp's reflection: washes the ink out toward white, never away
        shine = _glare(sh, sw, capture.extra)[..., None]
        gain *= 1.0 - shine
        offsets = (offsets * (1.0 - shine) + 255.0 * shine).astype(np.float32)
        capture.note("glare")
    full = cv2.resize(gain, (w, h), interpolation=cv2.INTER_LINEAR)
    out = img.astype(np.float32)
    cv2.multiply(out, full, dst=out)
    out += cv2.resize(offsets, (w, h), interpolation=cv2.INTER_LINEAR)
    np.clip(out, 0, 255, out=out)
    return out.astype(np.uint8)


def _shadow(h: int, w: int, rng: random.Random) -> F32:
    """A small multiplicative shadow map (0.45-1): a soft blob (hand, phone) or a gradient."""
    sh, sw = h, w
    mask: F32 = np.zeros((sh, sw), dtype=np.float32)
    if rng.random() < 0.6:  # a blob coming in from an edge
        edge = rng.choice("tblr")
        cx = (
            rng.uniform(0.1, 0.9) * sw
            if edge in "tb"
            else (rng.uniform(-0.15, 0.15) * sw if edge == "l" else rng.uniform(0.85, 1.15) * sw)
        )
        cy = (
            rng.uniform(0.1, 0.9) * sh
            if edge in "lr"
            else (rng.uniform(-0.15, 0.15) * sh if edge == "t" else rng.uniform(0.85, 1.15) * sh)
        )
        axes = (round(rng.uniform(0.2, 0.45) * sw), round(rng.uniform(0.2, 0.5) * sh))
        cv2.ellipse(mask, (round(cx), round(cy)), axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
        mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(0.02, 0.06) * sw)
    else:  # a gradient across the page
        yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
        theta = rng.uniform(0, 2 * math.pi)
        proj = (xx / sw - 0.5) * math.cos(theta) + (yy / sh - 0.5) * math.sin(theta)
        start = rng.uniform(-0.1, 0.3)
        mask = np.clip((proj - start) / rng.uniform(0.15, 0.5), 0, 1)
    strength = rng.uniform(0.25, 0.55)
    return (1.0 - strength * mask).astype(np.float32)


def _arm_shadow(h: int, w: int, rng: random.Random) -> F32:
    """An arm reaching in from an edge, ending in a hand: a soft band and a blob (0.55-1)."""
    mask: F32 = np.zeros((h, w), dtype=np.float32)
    edge = rng.choice("tblr")
    # Where the hand is, somewhere over the middle of the page, and where the arm enters.
    hand = np.array([rng.uniform(0.25, 0.75) * w, rng.uniform(0.3, 0.75) * h])
    along = rng.uniform(0.15, 0.85)
    enter = {
        "t": (along * w, -0.1 * h),
        "b": (along * w, 1.1 * h),
        "l": (-0.1 * w, along * h),
        "r": (1.1 * w, along * h),
    }[edge]
    arm = max(2, round(rng.uniform(0.12, 0.22) * w))
    start = (round(enter[0]), round(enter[1]))
    cv2.line(mask, start, (round(hand[0]), round(hand[1])), 1.0, arm)
    axes = (round(rng.uniform(0.16, 0.26) * w), round(rng.uniform(0.08, 0.14) * h))
    angle = rng.uniform(0, 180)
    cv2.ellipse(mask, (round(hand[0]), round(hand[1])), axes, angle, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(0.015, 0.035) * w)
    strength = rng.uniform(0.22, 0.42)
    return (1.0 - strength * np.clip(mask, 0, 1)).astype(np.float32)


def _edge_shadow(h: int, w: int, rng: random.Random) -> F32:
    """The phone's own shadow: a dark region with a hard, straight edge (0.5-1)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    theta = rng.uniform(0, 2 * math.pi)
    proj = (xx / w - 0.5) * math.cos(theta) + (yy / h - 0.5) * math.sin(theta)
    # A corner of the phone: two straight edges, the shadow beyond both.
    theta2 = theta + rng.choice((-1, 1)) * math.pi / 2 + rng.uniform(-0.15, 0.15)
    proj2 = (xx / w - 0.5) * math.cos(theta2) + (yy / h - 0.5) * math.sin(theta2)
    inside = (proj > rng.uniform(-0.05, 0.25)) & (proj2 > rng.uniform(-0.4, 0.1))
    mask = cv2.GaussianBlur(inside.astype(np.float32), (0, 0), 0.6)
    strength = rng.uniform(0.25, 0.5)
    return (1.0 - strength * mask).astype(np.float32)


def _glare(h: int, w: int, rng: random.Random) -> F32:
    """A small map of how far a reflection pulls each pixel to white (at most ~0.45)."""
    mask: F32 = np.zeros((h, w), dtype=np.float32)
    centre = (round(rng.uniform(0.2, 0.8) * w), round(rng.uniform(0.15, 0.85) * h))
    axes = (round(rng.uniform(0.08, 0.2) * w), round(rng.uniform(0.05, 0.15) * h))
    cv2.ellipse(mask, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(0.03, 0.06) * w)
    peak = float(mask.max()) or 1.0
    return (mask / peak * rng.uniform(0.25, 0.45)).astype(np.float32)


def _bend(paper: U8, alpha: U8, rng: random.Random) -> tuple[U8, U8]:
    """A page that does not lie flat: text lines bow gently (a few pixels)."""
    h, w = paper.shape[:2]
    step = 16
    sh, sw = h // step + 2, w // step + 2
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32) * step
    amp = rng.uniform(0.002, 0.006) * w
    waves = rng.uniform(0.4, 1.1)
    phase = rng.uniform(0, 2 * math.pi)
    dy = amp * np.sin(2 * math.pi * waves * xx / w + phase) * (0.6 + 0.4 * yy / h)
    dx = 0.4 * amp * np.sin(2 * math.pi * rng.uniform(0.3, 0.8) * yy / h + rng.uniform(0, 6.3))
    grid_y, grid_x = np.mgrid[0:h, 0:w].astype(np.float32)
    small = cv2.merge([dx.astype(np.float32), dy.astype(np.float32)])
    shift = cv2.resize(small, (sw * step, sh * step), interpolation=cv2.INTER_LINEAR)[:h, :w]
    map_x = grid_x + shift[..., 0]
    map_y = grid_y + shift[..., 1]
    bent = cv2.remap(paper, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    bent_alpha = cv2.remap(alpha, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return bent, bent_alpha
