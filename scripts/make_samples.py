#!/usr/bin/env python3
"""Generate Quire's bundled sample delivery under samples/.

    python3 scripts/make_samples.py

Writes (and overwrites):
    samples/delivery/...          the vendor's scanner output (images)
    samples/catalog.csv           the catalog (目录), UTF-8 with BOM, CRLF
    samples/catalog-gb18030.csv   the same catalog in GB18030, CRLF
    samples/process.yaml          process metadata for the delivery
samples/README.md is hand-written and left alone.

Everything is deterministic: fixed seeds, no timestamps, no randomness from the
environment. Re-running on the same Pillow / libtiff / libjpeg / zlib produces
byte-identical files (a different library version may encode differently).

Pages are synthetic "scans": off-white paper, lines of pseudo-hanzi (glyph-like
stroke clusters, not real characters), page numbers. Two problems are planted on
purpose (see samples/README.md):
  1. delivery/0026-003-0046/0003.tif is a valid gray LZW TIFF cut to 40 % of its
     bytes; its directory is at the front, so the header reads but strips fail;
  2. catalog record 0026-003-0047 has no images in the delivery.

Requires Python 3 and Pillow (pip install Pillow) built with libtiff.
"""

import csv
import io
import math
import random
import shutil
import struct
import sys
from pathlib import Path

try:
    from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, TiffImagePlugin
except ImportError:  # pragma: no cover
    sys.exit("Pillow is required: pip install Pillow")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DELIVERY = SAMPLES / "delivery"

A4_300 = (2480, 3508)  # 210 x 297 mm at 300 dpi
A4_200 = (1654, 2339)  # 210 x 297 mm at 200 dpi

MAKE, MODEL, SOFTWARE = "Fujitsu", "fi-7160", "ScanSoft 1.0"

PAPER_GRAY = 239
PAPER_RGB = (246, 242, 231)  # faint warm tone
INK_RGB = (38, 36, 40)
RED = (205, 32, 38)

TRUNCATE_FRACTION = 0.40


# --------------------------------------------------------------------------
# Drawing primitives: pseudo-hanzi, digits, text blocks
# --------------------------------------------------------------------------

def _fill(ink, rng, jitter):
    """Ink value for one glyph: a gray level, an RGB triple, or 0 for mode 1."""
    if not jitter:
        return ink
    if isinstance(ink, tuple):
        d = rng.randint(-jitter, jitter)
        return tuple(max(0, min(255, c + d)) for c in ink)
    return max(0, min(255, ink + rng.randint(-jitter, jitter)))


def _strokes(draw, rng, box, n, fill, w):
    bx0, by0, bx1, by1 = box
    bw, bh = bx1 - bx0, by1 - by0
    if bw < 4 or bh < 4:
        return
    if rng.random() < 0.16:  # a 口-like frame
        fx0 = bx0 + rng.uniform(0.0, 0.2) * bw
        fx1 = bx1 - rng.uniform(0.0, 0.2) * bw
        fy0 = by0 + rng.uniform(0.0, 0.3) * bh
        fy1 = by1 - rng.uniform(0.0, 0.2) * bh
        draw.rectangle([round(fx0), round(fy0), round(fx1), round(fy1)], outline=fill, width=w)
        n = max(1, n - 2)
    for _ in range(n):
        k = rng.random()
        if k < 0.40:  # 横 horizontal
            y = by0 + rng.uniform(0.05, 0.95) * bh
            xa = bx0 + rng.uniform(0.0, 0.3) * bw
            xb = bx1 - rng.uniform(0.0, 0.3) * bw
            pts = [(xa, y), (xb, y - rng.uniform(0, 0.04) * bh)]
        elif k < 0.65:  # 竖 vertical
            x = bx0 + rng.uniform(0.1, 0.9) * bw
            ya = by0 + rng.uniform(0.0, 0.3) * bh
            yb = by1 - rng.uniform(0.0, 0.25) * bh
            pts = [(x, ya), (x, yb)]
        elif k < 0.77:  # 撇 left-falling
            x = bx0 + rng.uniform(0.4, 0.9) * bw
            y = by0 + rng.uniform(0.0, 0.4) * bh
            pts = [(x, y), (x - rng.uniform(0.3, 0.6) * bw, y + rng.uniform(0.35, 0.6) * bh)]
        elif k < 0.86:  # 捺 right-falling
            x = bx0 + rng.uniform(0.1, 0.5) * bw
            y = by0 + rng.uniform(0.2, 0.5) * bh
            pts = [(x, y), (x + rng.uniform(0.3, 0.5) * bw, y + rng.uniform(0.3, 0.5) * bh)]
        else:  # 点 dot
            x = bx0 + rng.uniform(0.1, 0.9) * bw
            y = by0 + rng.uniform(0.0, 0.8) * bh
            pts = [(x, y), (x + 0.12 * bw, y + 0.14 * bh)]
        draw.line([(round(px), round(py)) for px, py in pts], fill=fill, width=w)


def glyph(draw, rng, x, y, s, fill, w):
    """One pseudo-hanzi in the square cell (x, y, s)."""
    m = s * 0.09
    x0, y0, x1, y1 = x + m, y + m, x + s - m, y + s - m
    layout = rng.random()
    if layout < 0.38:  # left / right components
        r = rng.uniform(0.35, 0.5)
        xm = x0 + r * (x1 - x0)
        _strokes(draw, rng, (x0, y0, xm - m * 0.4, y1), rng.randint(2, 4), fill, w)
        _strokes(draw, rng, (xm + m * 0.4, y0, x1, y1), rng.randint(3, 5), fill, w)
    elif layout < 0.62:  # top / bottom components
        r = rng.uniform(0.35, 0.55)
        ym = y0 + r * (y1 - y0)
        _strokes(draw, rng, (x0, y0, x1, ym - m * 0.4), rng.randint(2, 3), fill, w)
        _strokes(draw, rng, (x0, ym + m * 0.4, x1, y1), rng.randint(2, 4), fill, w)
    else:
        _strokes(draw, rng, (x0, y0, x1, y1), rng.randint(4, 8), fill, w)


def punct(draw, x, y, s, fill, w, kind):
    """，or 。 in the lower-left of the cell."""
    if kind == "。":
        r = max(3, s // 9)
        draw.ellipse([x + s * 0.12, y + s * 0.62, x + s * 0.12 + 2 * r, y + s * 0.62 + 2 * r],
                     outline=fill, width=max(1, w - 1))
    else:
        r = max(2, s // 12)
        cx, cy = x + s * 0.2, y + s * 0.72
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
        draw.line([(cx + r * 0.6, cy), (cx - r * 0.8, cy + r * 2.6)], fill=fill, width=w)


_FONTS = {}


def font(size):
    if size not in _FONTS:
        _FONTS[size] = ImageFont.load_default(size)
    return _FONTS[size]


def digits(draw, x, y, text, size, fill, anchor="la"):
    """Draw Latin digits; returns their advance width."""
    draw.text((x, y), text, font=font(size), fill=fill, anchor=anchor)
    return font(size).getlength(text)


def text_run(draw, rng, x, y, n, s, ink, w, jitter=0, gap=0.0):
    """n pseudo-hanzi from (x, y) on one line; returns x after the run."""
    for _ in range(n):
        glyph(draw, rng, x, y, s, _fill(ink, rng, jitter), w)
        x += s * (1 + gap)
    return x


def paragraphs(draw, rng, box, s, lead, ink, w, jitter=0, max_lines=None):
    """Fill box with paragraphs of pseudo-hanzi; returns y below the last line."""
    x0, y0, x1, y1 = box
    cols = int((x1 - x0) // s)
    y = y0
    lines = 0
    while y + s <= y1 and (max_lines is None or lines < max_lines):
        para_lines = rng.randint(2, 6)
        for i in range(para_lines):
            if y + s > y1 or (max_lines is not None and lines >= max_lines):
                break
            start = 2 if i == 0 else 0
            end = cols if i < para_lines - 1 else rng.randint(4, cols - 2)
            next_punct = rng.randint(6, 16)
            for c in range(start, end):
                cx = x0 + c * s
                last = (i == para_lines - 1 and c == end - 1)
                if last:
                    punct(draw, cx, y, s, _fill(ink, rng, jitter), w, "。")
                elif next_punct == 0 and c < end - 2:
                    punct(draw, cx, y, s, _fill(ink, rng, jitter), w, rng.choice("，，，。"))
                    next_punct = rng.randint(6, 16)
                else:
                    glyph(draw, rng, cx, y, s, _fill(ink, rng, jitter), w)
                    next_punct -= 1
            y += lead
            lines += 1
    return y


def page_number(draw, W, H, dpi, n, fill):
    """'— n —' centred in the bottom margin."""
    size = round(dpi * 14 / 72)
    cy = H - round(dpi * 22 / 25.4)
    digits(draw, W // 2, cy, str(n), size, fill, anchor="mm")
    dash = round(dpi * 5 / 25.4)
    off = round(size * 0.9)
    lw = max(2, dpi // 100)
    draw.line([(W // 2 - off - dash, cy), (W // 2 - off, cy)], fill=fill, width=lw)
    draw.line([(W // 2 + off, cy), (W // 2 + off + dash, cy)], fill=fill, width=lw)


def mm(dpi, v):
    return round(v * dpi / 25.4)


def body_geometry(dpi):
    """GB/T 9704-style page: 37 mm top, 28 mm left, 26 mm right, 35 mm bottom."""
    s = mm(dpi, 5.6)  # 三号 size cell
    lead = mm(dpi, 9.8)
    return s, lead, mm(dpi, 28), mm(dpi, 37), mm(dpi, 26), mm(dpi, 35)


def grain(img, seed, amp=3):
    """Low-amplitude luminance noise (triangular, at most +-amp), from a seeded RNG.

    Used on JPEG pages only: noise would bloat the LZW TIFFs and PNGs.
    """
    rng = random.Random(seed)
    lut = [128 + round(((v & 15) + (v >> 4) - 15) * amp / 15) for v in range(256)]
    noise = Image.frombytes("L", img.size, rng.randbytes(img.width * img.height)).point(lut)
    if img.mode == "RGB":
        noise = Image.merge("RGB", [noise] * 3)
    return ImageChops.add(img, noise, 1, -128)


def edge_shadow(img, width, depth):
    """Darken the left edge a little, as a flatbed/feeder scan does at the page edge."""
    d = ImageDraw.Draw(img)
    for i in range(width):
        t = (1 - i / width) ** 2
        if img.mode == "L":
            v = round(img.getpixel((i, 0)) - depth * t)
            d.line([(i, 0), (i, img.height - 1)], fill=v)
        else:
            base = img.getpixel((i, 0))
            d.line([(i, 0), (i, img.height - 1)], fill=tuple(round(c - depth * t) for c in base))


# --------------------------------------------------------------------------
# Page builders
# --------------------------------------------------------------------------

def bitonal_page(n, seed, first=False):
    """300 dpi A4 clean black text, drawn in gray and thresholded to 1 bit."""
    dpi = 300
    W, H = A4_300
    rng = random.Random(seed)
    img = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(img)
    s, lead, ml, mt, mr, mb = body_geometry(dpi)
    w = max(3, s // 13)
    y = mt
    if first:
        # 归档章 (archive stamp): a 2 x 3 box in the top right, with 全宗号/年度/件号 style cells
        cw, ch = mm(dpi, 16), mm(dpi, 7)
        sx, sy = W - mr - 3 * cw, mm(dpi, 12)
        for r in range(3):
            for c in range(3):
                d.rectangle([sx + c * cw, sy + r * ch, sx + (c + 1) * cw, sy + (r + 1) * ch],
                            outline=0, width=4)
        for c, txt in enumerate(["0026", "1998", "0045"]):
            digits(d, sx + c * cw + cw // 2, sy + ch + ch // 2, txt, round(ch * 0.55), 0, "mm")
        for c in range(3):
            text_run(d, rng, sx + c * cw + mm(dpi, 3), sy + mm(dpi, 1.5), 2, mm(dpi, 4.2), 0, 3)
        for c, txt in enumerate(["Y", "3", ""]):
            if txt:
                digits(d, sx + c * cw + cw // 2, sy + 2 * ch + ch // 2, txt, round(ch * 0.55), 0, "mm")
        # title: two centred lines of larger glyphs
        ts = mm(dpi, 7.8)
        for k in (13, 9):
            text_run(d, rng, (W - k * ts) // 2, y, k, ts, 0, max(4, ts // 11))
            y += round(ts * 1.5)
        y += lead // 2
        # addressee line
        text_run(d, rng, ml, y, 7, s, 0, w)
        punct(d, ml + 7 * s, y, s, 0, w, "，")
        y += lead
    paragraphs(d, rng, (ml, y, W - mr, H - mb), s, lead, 0, w)
    page_number(d, W, H, dpi, n, 0)
    # a few scanner specks
    for _ in range(140):
        x, yy, r = rng.randrange(W), rng.randrange(H), rng.choice((1, 1, 2, 2, 3))
        d.ellipse([x - r, yy - r, x + r, yy + r], fill=0)
    return img.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)


def gray_page(n, seed, ink=72, table=False, soft=0.6, paper=PAPER_GRAY):
    """200 dpi A4 grayscale page (weak, slightly varying ink)."""
    dpi = 200
    W, H = A4_200
    rng = random.Random(seed)
    img = Image.new("L", (W, H), paper)
    edge_shadow(img, mm(dpi, 3), 38)
    d = ImageDraw.Draw(img)
    s, lead, ml, mt, mr, mb = body_geometry(dpi)
    w = max(2, s // 13)
    y = mt
    if table:
        y = paragraphs(d, rng, (ml, y, W - mr, H - mb), s, lead, ink, w, jitter=14, max_lines=5)
        # a ruled table: 6 rows x 4 columns with short cell texts
        tx0, tx1 = ml, W - mr
        colw = [0.12, 0.38, 0.25, 0.25]
        xs = [tx0]
        for f in colw:
            xs.append(xs[-1] + round(f * (tx1 - tx0)))
        xs[-1] = tx1
        rh = round(s * 1.9)
        rows = 7
        for r in range(rows + 1):
            d.line([(tx0, y + r * rh), (tx1, y + r * rh)], fill=ink, width=2 if 0 < r < rows else 3)
        for x in xs:
            d.line([(x, y), (x, y + rows * rh)], fill=ink, width=2 if tx0 < x < tx1 else 3)
        cs = round(s * 0.85)
        for r in range(rows):
            for c in range(4):
                cy = y + r * rh + (rh - cs) // 2
                if c == 0 and r > 0:
                    digits(d, (xs[0] + xs[1]) // 2, y + r * rh + rh // 2, str(r), cs, ink, "mm")
                    continue
                room = int((xs[c + 1] - xs[c] - cs) // cs)
                k = rng.randint(2, max(2, room)) if r > 0 else min(room, 4)
                text_run(d, rng, xs[c] + cs // 2, cy, k, cs, ink, w, jitter=14)
        y += rows * rh + lead
    paragraphs(d, rng, (ml, y, W - mr, H - mb), s, lead, ink, w, jitter=14)
    page_number(d, W, H, dpi, n, ink)
    if soft:
        img = img.filter(ImageFilter.GaussianBlur(soft))
    return img


def colour_text(d, rng, dpi, W, H, y, max_lines=None, bottom=None):
    s, lead, ml, mt, mr, mb = body_geometry(dpi)
    w = max(2, s // 13)
    return paragraphs(d, rng, (ml, y, W - mr, bottom or H - mb), s, lead, INK_RGB, w,
                      jitter=10, max_lines=max_lines)


def red_header_page(seed):
    """200 dpi colour: 红头 (red letterhead title + red rule) and black body."""
    dpi = 200
    W, H = A4_200
    rng = random.Random(seed)
    img = Image.new("RGB", (W, H), PAPER_RGB)
    edge_shadow(img, mm(dpi, 3), 30)
    d = ImageDraw.Draw(img)
    s, lead, ml, mt, mr, mb = body_geometry(dpi)
    w = max(2, s // 13)
    # red title: 11 large bold glyphs (××市人民政府办公室文件), slightly condensed
    ts = mm(dpi, 13)
    tw = round(ts * 0.86)
    y = mm(dpi, 35)
    x = (W - 11 * tw) // 2
    for _ in range(11):
        glyph(d, rng, x, y, ts, RED, max(6, ts // 9))
        x += tw
    y += ts + mm(dpi, 14)
    # document number, centred: 市政办发〔2011〕12号
    ns = s
    total = 4 * ns + 0.5 * ns + font(ns).getlength("2011") + 0.5 * ns + font(ns).getlength("12") + ns
    x = (W - total) / 2
    x = text_run(d, rng, x, y, 4, ns, INK_RGB, w)
    d.line([(x + ns * 0.4, y + ns * 0.1), (x + ns * 0.15, y + ns * 0.25),
            (x + ns * 0.15, y + ns * 0.8), (x + ns * 0.4, y + ns * 0.95)], fill=INK_RGB, width=w)
    x += ns * 0.5
    x += digits(d, x, y + ns // 2, "2011", ns, INK_RGB, "lm")
    d.line([(x + ns * 0.1, y + ns * 0.1), (x + ns * 0.35, y + ns * 0.25),
            (x + ns * 0.35, y + ns * 0.8), (x + ns * 0.1, y + ns * 0.95)], fill=INK_RGB, width=w)
    x += ns * 0.5
    x += digits(d, x, y + ns // 2, "12", ns, INK_RGB, "lm")
    glyph(d, rng, x, y, ns, INK_RGB, w)
    y += ns + mm(dpi, 4)
    # red rule across the type area
    d.rectangle([ml - mm(dpi, 2), y, W - mr + mm(dpi, 2), y + mm(dpi, 0.9)], fill=RED)
    y += mm(dpi, 12)
    # document title (2 centred lines, bold-ish), addressee, body
    ts2 = mm(dpi, 7.4)
    for k in (15, 8):
        text_run(d, rng, (W - k * ts2) // 2, y, k, ts2, INK_RGB, max(4, ts2 // 10))
        y += round(ts2 * 1.55)
    y += mm(dpi, 4)
    text_run(d, rng, ml, y, 9, s, INK_RGB, w)
    punct(d, ml + 9 * s, y, s, INK_RGB, w, "，")
    y += lead
    colour_text(d, rng, dpi, W, H, y)
    page_number(d, W, H, dpi, 1, INK_RGB)
    return img


def star(cx, cy, r_out, r_in, rot=-90):
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = math.radians(rot + i * 36)
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def seal_layer(size, centre, dpi, rng):
    """A round red seal (ring, arc of glyphs, star) on white, for multiplying."""
    layer = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(layer)
    cx, cy = centre
    R = mm(dpi, 21)  # 42 mm seal
    ring = mm(dpi, 1.3)
    d.ellipse([cx - R, cy - R, cx + R, cy + R], outline=RED, width=ring)
    sr = mm(dpi, 7)
    d.polygon([(round(x), round(y)) for x, y in star(cx, cy, sr, sr * 0.382)], fill=RED)
    # glyphs along the upper arc, upright towards the centre
    gs = mm(dpi, 5.2)
    n = 10
    for i in range(n):
        a = math.radians(-90 - 105 + i * 210 / (n - 1))
        gx = cx + (R - ring - gs * 0.75) * math.cos(a)
        gy = cy + (R - ring - gs * 0.75) * math.sin(a)
        tile = Image.new("L", (gs, gs), 0)
        glyph(ImageDraw.Draw(tile), rng, 0, 0, gs, 255, max(2, gs // 9))
        tile = tile.rotate(-(math.degrees(a) + 90), resample=Image.Resampling.BICUBIC, expand=True)
        layer.paste(RED, (round(gx - tile.width / 2), round(gy - tile.height / 2)), tile)
    # short line of glyphs under the star (e.g. 办公室)
    text_run(d, rng, cx - 1.5 * gs, cy + sr + mm(dpi, 2), 3, gs, RED, max(2, gs // 9))
    # uneven ink: lighten the seal a little with a smooth random field
    field = Image.new("L", (8, 8))
    field.putdata([rng.randint(150, 255) for _ in range(64)])
    field = field.resize(size, Image.Resampling.BICUBIC)
    return Image.composite(layer, Image.new("RGB", size, (255, 255, 255)), field)


def seal_page(seed):
    """200 dpi colour: body text, signature block, red round seal over the text."""
    dpi = 200
    W, H = A4_200
    rng = random.Random(seed)
    img = Image.new("RGB", (W, H), PAPER_RGB)
    edge_shadow(img, mm(dpi, 3), 30)
    d = ImageDraw.Draw(img)
    s, lead, ml, mt, mr, mb = body_geometry(dpi)
    w = max(2, s // 13)
    y = colour_text(d, rng, dpi, W, H, mt, max_lines=15)
    y += lead
    # signature block, right-aligned: issuer and date (2011年4月15日)
    right = W - mr - 2 * s
    text_run(d, rng, right - 8 * s, y, 8, s, INK_RGB, w)
    y2 = y + lead
    f = font(s)
    x = right - (3 * s + f.getlength("2011") + f.getlength("4") + f.getlength("15") + 0.6 * s)
    x += digits(d, x, y2 + s // 2, "2011", s, INK_RGB, "lm") + 0.1 * s
    for part in ("4", "15"):
        glyph(d, rng, x, y2, s, INK_RGB, w)
        x += s * 1.1
        x += digits(d, x, y2 + s // 2, part, s, INK_RGB, "lm") + 0.1 * s
    glyph(d, rng, x, y2, s, INK_RGB, w)
    # a note below
    colour_text(d, rng, dpi, W, H, y2 + 2 * lead, max_lines=2)
    page_number(d, W, H, dpi, 2, INK_RGB)
    seal = seal_layer((W, H), (round(right - 4 * s), round(y + lead * 0.6)), dpi, rng)
    return ImageChops.multiply(img, seal)


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------

def scanner_tags(min_is_white=False):
    ifd = TiffImagePlugin.ImageFileDirectory_v2()
    ifd[271] = MAKE
    ifd[272] = MODEL
    ifd[305] = SOFTWARE
    if min_is_white:
        ifd[262] = 0  # PhotometricInterpretation = WhiteIsZero, as scanners write G4
    return ifd


def tiff_bytes(img, compression, dpi, min_is_white=False):
    buf = io.BytesIO()
    img.save(buf, format="TIFF", compression=compression, dpi=(dpi, dpi),
             tiffinfo=scanner_tags(min_is_white))
    return buf.getvalue()


def ifd_first(data):
    """Re-lay a classic little-endian single-page TIFF as header, IFD, values, strips.

    libtiff writes the directory after the image data; with the directory in
    front, a truncated copy still opens and fails only when its strips are read.
    """
    if data[:4] != b"II*\x00":
        raise ValueError("expected a little-endian classic TIFF")
    sizes = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
    (off,) = struct.unpack_from("<I", data, 4)
    (n,) = struct.unpack_from("<H", data, off)
    entries = []
    for i in range(n):
        tag, typ, cnt, val = struct.unpack_from("<HHII", data, off + 2 + 12 * i)
        nbytes = sizes[typ] * cnt
        raw = data[off + 10 + 12 * i: off + 14 + 12 * i][:nbytes] if nbytes <= 4 else data[val:val + nbytes]
        entries.append([tag, typ, cnt, raw])
    (next_ifd,) = struct.unpack_from("<I", data, off + 2 + 12 * n)
    if next_ifd:
        raise ValueError("expected a single-page TIFF")
    ent = {e[0]: e for e in entries}

    def longs(e):
        fmt = "<%d%s" % (e[2], "H" if e[1] == 3 else "I")
        return list(struct.unpack(fmt, e[3]))

    offsets, counts = longs(ent[273]), longs(ent[279])
    strips = [data[o:o + c] for o, c in zip(offsets, counts)]
    ent[273][1] = 4  # StripOffsets as LONG
    ent[273][3] = b"\x00" * (4 * len(offsets))

    ifd_size = 2 + 12 * n + 4
    pos = 8 + ifd_size
    value_pos = {}
    for e in entries:  # out-of-line values after the IFD, word-aligned
        if len(e[3]) > 4:
            pos += pos & 1
            value_pos[e[0]] = pos
            pos += len(e[3])
    pos += pos & 1
    new_offsets = []
    for st in strips:
        new_offsets.append(pos)
        pos += len(st)
    ent[273][3] = struct.pack("<%dI" % len(new_offsets), *new_offsets)

    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    out += struct.pack("<H", n)
    for tag, typ, cnt, raw in entries:
        if len(raw) > 4:
            out += struct.pack("<HHII", tag, typ, cnt, value_pos[tag])
        else:
            out += struct.pack("<HHI", tag, typ, cnt) + raw.ljust(4, b"\x00")
    out += struct.pack("<I", 0)
    for tag, typ, cnt, raw in entries:
        if len(raw) > 4:
            out += b"\x00" * (value_pos[tag] - len(out))
            out += raw
    for o, st in zip(new_offsets, strips):
        out += b"\x00" * (o - len(out))
        out += st
    return bytes(out)


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"{len(data):>9}  {path.relative_to(ROOT)}")


def save_tiff(path, img, compression, dpi, **kw):
    write(path, tiff_bytes(img, compression, dpi, **kw))


def save_jpeg(path, img, dpi, quality=80):
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    write(path, buf.getvalue())


def save_png(path, img, dpi):
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(dpi, dpi), optimize=True)
    write(path, buf.getvalue())


# --------------------------------------------------------------------------
# Catalog and process metadata
# --------------------------------------------------------------------------

CATALOG_HEADER = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]
CATALOG_ROWS = [
    ["1", "0026-003-0045", "", "市档案局",
     "关于一九九七年度全市档案工作检查情况的通报", "19980312", "公开", "3", ""],
    ["2", "0026-003-0046", "市档发〔1998〕7号", "市档案局",
     "关于开展档案目录数据库建设工作的意见", "19980605", "内部", "4",
     "第3页字迹褪色,灰度扫描"],
    ["3", "Z109-WS·2011-Y-BGS-0001", "市政办发〔2011〕12号", "市人民政府办公室",
     "关于印发《全市纸质档案数字化工作实施方案》的通知", "20110415", "内部", "3", "红头文件"],
    ["4", "Z109-WS·2011-Y-BGS-0002", "市政办函〔2011〕35号", "市人民政府办公室,市财政局",
     "关于档案馆库房改造和数字化外包经费的复函", "20110520", "公开", "2", "联合发文"],
    ["5", "0026-003-0047", "", "市档案局",
     "一九九八年度全市档案工作总结", "19981228", "公开", "5", "列入\"待补扫\"清单"],
]


def catalog_text():
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(CATALOG_HEADER)
    w.writerows(CATALOG_ROWS)
    return buf.getvalue()


PROCESS_YAML = """\
# Process metadata for the sample delivery (DA/T 31-2017 §4).
vendor: 华文数字档案技术有限公司
scanner:
  make: Fujitsu
  model: fi-7160
software:
  name: ScanSoft
  version: "1.0"
operator: 李晓梅
scan_date: 2026-11-02
"""


# --------------------------------------------------------------------------

def main():
    if DELIVERY.exists():
        shutil.rmtree(DELIVERY)
    DELIVERY.mkdir(parents=True)

    # Record 1: volume style, bitonal G4, 300 dpi
    rec = DELIVERY / "0026-003-0045"
    for n in (1, 2, 3):
        img = bitonal_page(n, f"0026-003-0045/{n}", first=(n == 1))
        save_tiff(rec / f"{n:04d}.tif", img, "group4", 300, min_is_white=True)

    # Record 2: gray 200 dpi; 0003.tif deliberately truncated
    rec = DELIVERY / "0026-003-0046"
    save_tiff(rec / "0001.tif", gray_page(1, "0026-003-0046/1", ink=78), "tiff_lzw", 200)
    save_tiff(rec / "0002.tif", gray_page(2, "0026-003-0046/2", ink=78, table=True), "tiff_lzw", 200)
    src = gray_page(3, "0026-003-0046/3", ink=112)
    whole = ifd_first(tiff_bytes(src, "tiff_lzw", 200))
    with Image.open(io.BytesIO(whole)) as check:  # the untruncated file is valid
        if check.tobytes() != src.tobytes():
            raise SystemExit("ifd_first produced a TIFF that does not decode to the page")
    write(rec / "0003.tif", whole[: int(len(whole) * TRUNCATE_FRACTION)])
    page = gray_page(4, "0026-003-0046/4", ink=96, soft=0.8)
    save_jpeg(rec / "0004.jpg", grain(page, "0026-003-0046/4/grain"), 200)

    # Record 3: item style, colour 红头 + seal, then a gray page
    rec = DELIVERY / "Z109-WS·2011-Y-BGS-0001"
    code = "Z109-WS·2011-Y-BGS-0001"
    save_jpeg(rec / "0001.jpg", grain(red_header_page(f"{code}/1"), f"{code}/1/grain"), 200)
    save_jpeg(rec / "0002.jpg", grain(seal_page(f"{code}/2"), f"{code}/2/grain"), 200)
    save_tiff(rec / "0003.tif", gray_page(3, "Z109-WS·2011-Y-BGS-0001/3", ink=60), "tiff_lzw", 200)

    # Record 4: flat naming, gray PNG
    for n in (1, 2):
        code = "Z109-WS·2011-Y-BGS-0002"
        save_png(DELIVERY / f"{code}-{n:04d}.png", gray_page(n, f"{code}/{n}", ink=55), 200)

    text = catalog_text()
    write(SAMPLES / "catalog.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    write(SAMPLES / "catalog-gb18030.csv", text.encode("gb18030"))
    write(SAMPLES / "process.yaml", PROCESS_YAML.encode("utf-8"))


if __name__ == "__main__":
    main()
