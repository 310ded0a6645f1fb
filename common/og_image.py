"""Link-preview pictures (Open Graph): a 1200×630 PNG card with a title, a few lines of text
and, if given, a progress bar. Drawn with Pillow and the DejaVu fonts that
``scripts/system-packages`` installs (fonts-dejavu-core); imports no app."""

import io
from pathlib import Path

from django.core.cache import cache
from django.http import HttpResponse
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
SIZE = (WIDTH, HEIGHT)
MARGIN = 72
BLUE, DARK, LIGHT, GREY = "#095797", "#223654", "#ffffff", "#c5cad2"
FONTS = Path("/usr/share/fonts/truetype/dejavu")


def _font(size, bold=False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(FONTS / name), size)
    except OSError:  # no DejaVu: Pillow's own scalable font
        return ImageFont.load_default(size)


def _wrap(draw, text, font, width, max_lines):
    """``text`` in lines no wider than ``width``; the last one cut with « … » if too long."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and draw.textlength(f"{last} …", font=font) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = f"{last} …"
    return lines


def card_png(*, site, title, lines=(), progress=None, progress_label=""):
    """The card as PNG bytes: ``site`` in the top band, ``title`` (up to three lines), then
    ``lines`` and, when ``progress`` (0–100) is given, a bar with ``progress_label``."""
    image = Image.new("RGB", SIZE, LIGHT)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 96), fill=BLUE)
    draw.text((MARGIN, 48), site, font=_font(34, bold=True), fill=LIGHT, anchor="lm")
    y = 140
    title_font = _font(60, bold=True)
    for line in _wrap(draw, title, title_font, WIDTH - 2 * MARGIN, 3):
        draw.text((MARGIN, y), line, font=title_font, fill=DARK)
        y += 74
    y += 16
    text_font = _font(34)
    for text in lines:
        for line in _wrap(draw, text, text_font, WIDTH - 2 * MARGIN, 1):
            draw.text((MARGIN, y), line, font=text_font, fill=DARK)
            y += 48
    if progress is not None:
        top = HEIGHT - 90
        draw.text(
            (MARGIN, top - 16), progress_label, font=_font(34, bold=True), fill=DARK, anchor="ls"
        )
        draw.rounded_rectangle((MARGIN, top, WIDTH - MARGIN, top + 40), radius=20, fill=GREY)
        filled = MARGIN + (WIDTH - 2 * MARGIN) * max(0, min(100, progress)) // 100
        if filled > MARGIN:
            draw.rounded_rectangle(
                (MARGIN, top, max(filled, MARGIN + 40), top + 40), radius=20, fill=BLUE
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def png_response(key, render, max_age=3600):
    """The PNG ``render()`` makes, kept in the shared cache under ``key`` (which names the data
    the picture shows, so a change makes a new key); link previews may keep it an hour."""
    content = cache.get(key)
    if content is None:
        content = render()
        cache.set(key, content, 7 * 24 * 3600)
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response
