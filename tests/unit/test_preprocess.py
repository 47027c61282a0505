"""Preprocessing decisions, on generated pages: no tesseract."""

import io

import cv2
import numpy as np
import pytest
from medextract import preprocess as P
from medextract.documents import open_document
from medextract.settings import Settings
from medextract_dev.synth import generate_document
from PIL import Image


@pytest.fixture(scope="module")
def clean_page():
    doc = generate_document(5, 0, doc_type="prescription", fmt="png", degrade=False)
    return Image.open(io.BytesIO(doc.data)).convert("L")


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_text_lines_are_turned_across_the_page_for_every_quarter_turn(clean_page, turns):
    turned = clean_page.rotate(-90 * turns, expand=True)  # clockwise
    prepared = P.prepare(turned)
    # The axis from the ink's profile; which way up is orient's (tests/unit/test_orient.py).
    assert prepared.rotation % 180 == (-90 * turns) % 180
    assert prepared.binary.shape[0] > prepared.binary.shape[1]  # portrait again


def test_skew_is_measured_and_removed(clean_page):
    skewed = clean_page.rotate(3, expand=False, fillcolor=255)  # 3 degrees anticlockwise
    prepared = P.prepare(skewed)
    assert abs(abs(prepared.skew) - 3) < 0.5


def test_faint_fold_line_is_not_ink_but_dark_text_is():
    flat = np.full((400, 400), 250, np.uint8)
    flat[:, 200:203] = 222  # a crease: only faintly darker than the paper
    cv2.putText(flat, "Text", (40, 120), cv2.FONT_HERSHEY_SIMPLEX, 2, 40, 4)
    binary = P.binarise(flat)
    assert (binary[:, 200:203] == 255).all()
    assert (binary[60:130, 40:200] == 0).any()


def test_shadow_divides_out_of_the_background():
    grey = np.full((800, 600), 240, np.uint8)
    grey[:, :300] = 110  # half the page in a hand's shadow
    flat = P.flatten_background(grey)
    assert abs(int(flat[400, 100]) - int(flat[400, 500])) < 10


def test_page_finder_declines_a_plain_scan(clean_page):
    assert P.find_page(P.to_grey(clean_page)) is None


def test_page_on_a_dark_desk_is_found_and_flattened(clean_page):
    page = np.asarray(clean_page.resize((850, 1100)))
    desk = np.full((1400, 1100), 60, np.uint8)
    desk[150:1250, 120:970] = page
    corners = P.find_page(desk)
    assert corners is not None
    flat = P.flatten_page(desk, corners)
    height, width = flat.shape
    assert abs(width - 850) < 30 and abs(height - 1100) < 30


def test_a_page_with_a_folded_corner_is_flattened_from_the_corner_its_sides_meet_at(clean_page):
    # The top right corner folded over: the outline's fifth side is the fold. Its lower
    # end taken for the corner flattened the page askew (seed 34116/6).
    page = np.asarray(clean_page.resize((850, 1100)))
    desk = np.full((1400, 1100), 60, np.uint8)
    desk[150:1250, 120:970] = page
    fold = np.array([[970 - 150, 150], [970, 150], [970, 150 + 150]], np.int32)
    cv2.fillConvexPoly(desk, fold, 60)
    corners = P.find_page(desk)
    assert corners is not None
    top_right = min(corners, key=lambda c: np.hypot(c[0] - 970, c[1] - 150))
    assert np.hypot(top_right[0] - 970, top_right[1] - 150) < 12


def test_image_bomb_is_refused_from_its_header_alone():
    from medextract.errors import InputError, Reason

    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, "PNG")
    with pytest.raises(InputError) as caught:
        list(open_document(buffer.getvalue(), Settings()).pages())
    assert caught.value.reason is Reason.PAGE_TOO_LARGE


def test_faint_broken_underline_goes_from_both_images_but_the_text_stays():
    grey = np.full((300, 900), 250, np.uint8)
    cv2.putText(grey, "Sofia Baker", (60, 150), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 40, 3)
    grey[158:160, 40:860] = 190  # a photographed underline: fainter than the text...
    grey[158:160, 300:306] = 250  # ...and broken
    binary = P.binarise(grey)
    binary, cleaned = P.remove_rules(binary, grey)
    assert (cleaned[158:160, 40:860] >= 250).all()  # white, or the paper in the gap
    assert (binary[155:163, 320:860] == 255).all()
    assert (binary[110:150, 60:400] == 0).sum() > 1000  # the letters are untouched


def test_a_text_thick_band_is_not_a_rule():
    grey = np.full((300, 900), 250, np.uint8)
    grey[100:130, 40:860] = 120  # 30 px thick: letters merged by motion blur, not a line
    assert not P.find_rules(grey)[105:125, 100:800].any()


def test_a_rule_three_degrees_off_level_is_found_whole_when_the_form_is_looked_for():
    # A page photographed at an angle: its rules lean differently at its two sides, so no
    # one rotation levels them all.
    grey = np.full((600, 1600), 250, np.uint8)
    cv2.line(grey, (50, 100), (1550, 100 + round(1500 * np.tan(np.radians(3)))), 150, 2)
    level = P.find_rules(grey)
    leaning = P.find_rules(grey, P.RULE_SLANT)
    row = slice(80, 200)
    assert leaning[row, 60:1540].any(axis=0).mean() > 0.9
    assert level[row, 60:1540].any(axis=0).mean() < 0.5  # found in short pieces at most


@pytest.mark.parametrize(
    ("paper", "form_ink"),
    [
        # Paper whose blue stands 34 above its green, red 27: the red ink, only a little
        # redder than the paper, is dropped once each channel is divided by its paper.
        ((220, 193, 227), (186, 134, 168)),
        # Blue 28 above its green (seed 34116/26): the ink's red is no further above its
        # blue than the margin until each channel is divided by its paper.
        ((200, 224, 252), (179, 148, 178)),
    ],
    ids=["purple", "blue"],
)
def test_the_form_ink_is_dropped_under_a_coloured_light(
    paper: tuple[int, int, int], form_ink: tuple[int, int, int]
) -> None:
    rgb = np.zeros((400, 600, 3), np.uint8)
    rgb[:] = paper
    for y in range(60, 340, 40):
        rgb[y : y + 3, 40:560] = form_ink  # the form's rules
    rgb[200:230, 100:400] = (35, 35, 50)  # a typed value
    dropped = P.drop_form_ink(Image.fromarray(rgb))
    assert dropped[60:63, 40:560].min() > 200
    assert dropped[205:225, 110:390].max() < 100


def test_a_value_typed_across_a_form_rule_keeps_its_strokes():
    # A printer-offset value lies across a box's side: the rule, in red dropout ink, is
    # dropped by its colour; the value's black strokes on it are the value's.
    rgb = np.full((2200, 1700, 3), 250, np.uint8)
    for y in range(300, 2000, 90):
        rgb[y : y + 3, 100:1600] = (225, 90, 90)
    rgb[300:2000, 800:803] = (225, 90, 90)
    cv2.putText(rgb, "GRP89196", (700, 370), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (30, 30, 30), 4)
    rgb[340:346, 760:840] = (30, 30, 30)  # a letter's stroke across the side
    prepared = P.prepare_form(Image.fromarray(rgb))
    assert (prepared.binary[338:348, 800:803] == 0).sum() >= 12  # the stroke is kept whole
    assert (prepared.binary[800:1000, 797:806] == 255).all()  # the side itself is gone


def test_a_form_rule_with_no_contrast_in_the_luminance_is_found_in_the_form_ink():
    # Under a purple light a red rule is hardly darker than the paper (seed 34107/17: no
    # frame found): its red over its green still stands out.
    paper, rule = (215, 186, 225), (218, 176, 214)
    rgb = np.zeros((600, 1600, 3), np.uint8)
    rgb[:] = paper
    rgb[300:303, 100:1500] = rule
    rgb[100:140, 300:700] = (40, 40, 40)  # a typed value: no form ink
    noise = np.random.default_rng(7).normal(0, 5, rgb.shape)  # a phone camera's grain
    page = Image.fromarray(np.clip(rgb + noise, 0, 255).astype(np.uint8))
    luminance = P.flatten_background(P.to_grey(page))
    assert not P.find_rules(luminance)[290:315, 100:1500].any()
    ink = P.form_ink(page)
    assert ink is not None
    assert P.find_rules(ink)[290:315, 100:1500].any(axis=0).mean() > 0.9
    assert ink[105:135, 305:695].mean() > 250
    assert P.form_ink(page.convert("L")) is None
