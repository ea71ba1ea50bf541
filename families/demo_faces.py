"""Drawn pictures for the demo: friendly cartoon faces and a few everyday scenes.

Nobody real is photographed and nothing is downloaded: every picture is drawn here with
Pillow, the same one each time for the same seed, so the demo looks alive without borrowing
anyone's face.
"""

from __future__ import annotations

import io
import random
import zlib

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

FACE_SIDE = 192
SCENE_SIZE = (640, 480)
# Drawn larger, then shrunk: Pillow draws hard edges, and shrinking smooths them.
SCALE = 2

SKIN_TONES = (
    (255, 224, 196),
    (241, 194, 158),
    (224, 172, 130),
    (198, 134, 94),
    (161, 102, 68),
    (118, 74, 48),
    (89, 56, 38),
)
HAIR_COLOURS = (
    (40, 30, 25),
    (85, 55, 35),
    (150, 100, 55),
    (205, 160, 95),
    (175, 70, 40),
    (200, 200, 200),
    (235, 235, 230),
)
BACKGROUNDS = (
    (201, 228, 222),
    (250, 221, 196),
    (214, 222, 245),
    (245, 214, 226),
    (226, 240, 203),
    (252, 238, 184),
)
CLOTHES = (
    (62, 111, 160),
    (176, 72, 84),
    (70, 140, 110),
    (120, 90, 160),
    (220, 150, 60),
    (90, 100, 110),
)
HAIR_STYLES = ("short", "long", "bun", "bald", "curly", "side", "short", "long")


def _rng(seed: str) -> random.Random:
    # crc32, not hash(): str hashes change from one process to the next.
    return random.Random(zlib.crc32(seed.encode()))  # noqa: S311 (pictures, not secrets)


def _jpeg(image: Image.Image, size: tuple[int, int], name: str) -> ContentFile:
    out = io.BytesIO()
    image.resize(size, Image.Resampling.LANCZOS).save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name=name)


GREY_HAIR = HAIR_COLOURS[-2:]


def face(seed: str, *, older: bool = False, name: str = "face.jpg") -> ContentFile:
    """A smiling head and shoulders, different skin, hair and glasses for different seeds.

    ``older`` greys the hair: most people a neighbourhood team supports are in their eighties.
    """
    rng = _rng(seed)
    s = FACE_SIDE * SCALE
    image = Image.new("RGB", (s, s), rng.choice(BACKGROUNDS))
    draw = ImageDraw.Draw(image)
    skin = rng.choice(SKIN_TONES)
    hair = rng.choice(HAIR_COLOURS)
    if older:
        hair = rng.choice(GREY_HAIR)
    style = rng.choice(HAIR_STYLES)
    u = s / 100  # one percent of the picture

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * u, y0 * u, x1 * u, y1 * u)

    # Long hair falls behind the shoulders, so it is drawn first.
    if style == "long":
        draw.rounded_rectangle(box(24, 22, 76, 82), radius=20 * u, fill=hair)
    draw.ellipse(box(14, 78, 86, 130), fill=rng.choice(CLOTHES))
    draw.rectangle(box(43, 62, 57, 82), fill=skin)
    draw.ellipse(box(25, 38, 33, 56), fill=skin)  # ears
    draw.ellipse(box(67, 38, 75, 56), fill=skin)
    draw.ellipse(box(29, 18, 71, 72), fill=skin)
    if style == "short":
        draw.chord(box(28, 14, 72, 48), 180, 360, fill=hair)
    elif style == "side":
        draw.chord(box(27, 13, 73, 50), 170, 360, fill=hair)
        draw.polygon([(30 * u, 32 * u), (50 * u, 22 * u), (36 * u, 42 * u)], fill=hair)
    elif style == "bun":
        draw.ellipse(box(41, 4, 59, 20), fill=hair)
        draw.chord(box(28, 14, 72, 46), 180, 360, fill=hair)
    elif style == "curly":
        for x, y in ((32, 24), (42, 17), (54, 17), (64, 24), (28, 34), (70, 34)):
            draw.ellipse(box(x - 9, y - 9, x + 9, y + 9), fill=hair)
    elif style == "long":
        draw.chord(box(28, 14, 72, 50), 180, 360, fill=hair)
    else:  # bald, with a little hair at the sides
        draw.chord(box(27, 30, 35, 46), 90, 270, fill=hair)
        draw.chord(box(65, 30, 73, 46), 270, 90, fill=hair)

    dark = (45, 35, 35)
    draw.ellipse(box(39, 41, 45, 47), fill=dark)
    draw.ellipse(box(55, 41, 61, 47), fill=dark)
    draw.arc(box(40, 48, 60, 62), 20, 160, fill=dark, width=int(2 * u))
    blush = tuple(min(255, c + 10) if i == 0 else max(0, c - 20) for i, c in enumerate(skin))
    draw.ellipse(box(33, 50, 39, 55), fill=blush)
    draw.ellipse(box(61, 50, 67, 55), fill=blush)
    if rng.random() < 0.4:
        frame = rng.choice(((40, 40, 40), (120, 60, 40), (60, 80, 150)))
        draw.ellipse(box(35, 37, 49, 51), outline=frame, width=int(1.5 * u))
        draw.ellipse(box(51, 37, 65, 51), outline=frame, width=int(1.5 * u))
        draw.line([(49 * u, 44 * u), (51 * u, 44 * u)], fill=frame, width=int(1.5 * u))
    return _jpeg(image, (FACE_SIDE, FACE_SIDE), name)


# Scenes for good moments -------------------------------------------------------------------


def _sky(draw: ImageDraw.ImageDraw, w: int, h: int, top: tuple, bottom: tuple) -> None:
    for y in range(h):
        t = y / h
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (w, y)], fill=colour)


def _garden(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    _sky(draw, w, h, (150, 200, 240), (225, 240, 250))
    draw.ellipse((w * 0.78, h * 0.08, w * 0.92, h * 0.27), fill=(255, 220, 110))
    draw.rectangle((0, h * 0.62, w, h), fill=(110, 170, 90))
    x: float
    for x in range(0, w, w // 16):  # a fence
        draw.rectangle((x + 4, h * 0.42, x + w // 20, h * 0.64), fill=(200, 170, 130))
    for _n in range(7):
        x = rng.uniform(0.06, 0.94) * w
        y = rng.uniform(0.66, 0.9) * h
        draw.line([(x, y), (x, y + h * 0.1)], fill=(60, 120, 60), width=w // 160)
        r = w * 0.03
        colour = rng.choice(((220, 60, 80), (240, 140, 160), (250, 200, 80), (250, 250, 240)))
        for dx, dy in ((-r, 0), (r, 0), (0, -r), (0, r)):
            draw.ellipse((x + dx - r, y + dy - r, x + dx + r, y + dy + r), fill=colour)
        draw.ellipse((x - r * 0.7, y - r * 0.7, x + r * 0.7, y + r * 0.7), fill=(250, 220, 100))


def _tea(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    _sky(draw, w, h, (250, 236, 214), (240, 220, 190))
    draw.rectangle((0, h * 0.65, w, h), fill=(170, 120, 80))
    cup = rng.choice(((240, 240, 235), (90, 150, 200), (230, 120, 110)))
    draw.ellipse((w * 0.22, h * 0.78, w * 0.7, h * 0.92), fill=(235, 235, 230))  # saucer
    draw.rounded_rectangle((w * 0.3, h * 0.45, w * 0.6, h * 0.85), radius=w // 20, fill=cup)
    draw.arc((w * 0.54, h * 0.52, w * 0.7, h * 0.72), 270, 90, fill=cup, width=w // 40)
    draw.ellipse((w * 0.3, h * 0.42, w * 0.6, h * 0.5), fill=(150, 95, 55))
    for x in (0.38, 0.45, 0.52):
        draw.arc((w * x, h * 0.2, w * (x + 0.05), h * 0.4), 100, 260, fill=(255, 255, 255), width=4)
    draw.ellipse((w * 0.72, h * 0.7, w * 0.88, h * 0.8), fill=(210, 160, 90))  # a biscuit


def _cake(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    _sky(draw, w, h, (245, 225, 235), (250, 240, 245))
    draw.rectangle((0, h * 0.75, w, h), fill=(200, 170, 140))
    draw.ellipse((w * 0.18, h * 0.72, w * 0.82, h * 0.86), fill=(245, 245, 245))
    sponge = (235, 195, 130)
    draw.rectangle((w * 0.25, h * 0.45, w * 0.75, h * 0.78), fill=sponge)
    draw.ellipse((w * 0.25, h * 0.72, w * 0.75, h * 0.84), fill=sponge)
    icing = rng.choice(((250, 250, 250), (250, 200, 215), (255, 235, 170)))
    draw.ellipse((w * 0.25, h * 0.39, w * 0.75, h * 0.51), fill=icing)
    draw.rectangle((w * 0.25, h * 0.58, w * 0.75, h * 0.62), fill=(200, 60, 80))  # jam
    for x in (0.38, 0.5, 0.62):
        draw.rectangle((w * x - 5, h * 0.28, w * x + 5, h * 0.44), fill=(120, 170, 230))
        draw.ellipse((w * x - 8, h * 0.2, w * x + 8, h * 0.29), fill=(255, 190, 60))


def _cat(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    _sky(draw, w, h, (230, 235, 245), (210, 220, 235))
    draw.rectangle((0, h * 0.7, w, h), fill=(150, 110, 140))  # a cushion
    fur = rng.choice(((230, 160, 80), (120, 120, 120), (60, 50, 45)))
    draw.ellipse((w * 0.25, h * 0.45, w * 0.75, h * 0.85), fill=fur)
    draw.ellipse((w * 0.36, h * 0.22, w * 0.64, h * 0.55), fill=fur)
    draw.polygon([(w * 0.38, h * 0.3), (w * 0.4, h * 0.14), (w * 0.48, h * 0.25)], fill=fur)
    draw.polygon([(w * 0.62, h * 0.3), (w * 0.6, h * 0.14), (w * 0.52, h * 0.25)], fill=fur)
    dark = (40, 40, 40)
    draw.arc((w * 0.41, h * 0.34, w * 0.47, h * 0.4), 200, 340, fill=dark, width=4)
    draw.arc((w * 0.53, h * 0.34, w * 0.59, h * 0.4), 200, 340, fill=dark, width=4)
    draw.polygon([(w * 0.48, h * 0.43), (w * 0.52, h * 0.43), (w * 0.5, h * 0.46)], fill=dark)
    draw.arc((w * 0.6, h * 0.6, w * 0.9, h * 0.85), 180, 300, fill=fur, width=w // 30)


SCENES = {"garden": _garden, "tea": _tea, "cake": _cake, "cat": _cat}


def scene(kind: str, seed: str, *, name: str = "scene.jpg") -> ContentFile:
    """One of ``SCENES`` drawn as a photo-sized JPEG."""
    rng = _rng(f"{kind}:{seed}")
    w, h = SCENE_SIZE[0] * SCALE, SCENE_SIZE[1] * SCALE
    image = Image.new("RGB", (w, h))
    SCENES[kind](ImageDraw.Draw(image), rng, w, h)
    return _jpeg(image, SCENE_SIZE, name)
