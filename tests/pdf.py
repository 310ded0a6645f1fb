"""Reading a PDF back as a user (its text) and as a printer (its fonts)."""

import io

from pypdf import PdfReader

NBSP = "\u00a0"


def pdf_text(content):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace(
        NBSP, " "
    )


def pdf_font_names(content):
    """The base names of the fonts the PDF embeds, e.g. ``ABCDEF+Noto-Color-Emoji``."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object().get("/BaseFont", "")))
    return names
