"""Files out for kits: a kit's texts to copy and every asset as one zip (streamed), the adoption
matrix as XLSX."""

import io
import zipfile
from html import escape

import tablib
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.spreadsheets import spreadsheet_export
from kits.models import KitAdoption
from kits.placeholders import personalise_kit
from municipalities.models import Municipality

CHUNK = 1024 * 1024


class _Pipe(io.RawIOBase):
    """A write-only, unseekable stream whose written bytes are collected and drained."""

    def __init__(self):
        self.chunks = []

    def writable(self):
        return True

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def drain(self):
        chunks, self.chunks = self.chunks, []
        return b"".join(chunks)


TEXT_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
{body}
</body>
</html>
"""


def kit_texts(kit, municipality=None):
    """``[(file name, bytes)]``: each text to copy, personalised for ``municipality`` as on its
    page (without one, the municipality's placeholders are gaps to complete), as plain text
    (``.txt``, for a Facebook post or an e-mail) and formatted (``.html``, for a website)."""
    files = []
    folder = _("textes")
    for number, item in enumerate(personalise_kit(kit, municipality), start=1):
        name = f"{folder}/{number:02d}-{slugify(str(item.block)) or number}"
        title = escape(f"{item.block} — {municipality.name if municipality else kit.title}")
        page = TEXT_PAGE.format(
            lang=translation.get_language() or "fr", title=title, body=item.html
        )
        files.append((f"{name}.txt", item.text.encode()))
        files.append((f"{name}.html", page.encode()))
    return files


def _zip_chunks(texts, assets):
    pipe = _Pipe()
    used = {name for name, _content in texts}
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in texts:
            archive.writestr(name, content)
        yield pipe.drain()
        for asset in assets:
            name = asset.download_name
            while name in used:
                name = f"{asset.pk}-{name}"
            used.add(name)
            with asset.file.open("rb") as source, archive.open(name, mode="w") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    yield pipe.drain()
    yield pipe.drain()


def kit_zip(kit, municipality=None):
    """``(filename, content_type, iterator of bytes)``: the texts to copy (personalised for
    ``municipality`` if given), then the files, one at a time, never all in memory."""
    filename = f"{kit.slug}-{municipality.slug}.zip" if municipality else f"{kit.slug}.zip"
    texts = kit_texts(kit, municipality)
    return filename, "application/zip", _zip_chunks(texts, list(kit.assets.all()))


def adoption_matrix(table):
    """``(kits, [(municipality, [adoption or None per kit])])`` for the table's territory."""
    kits = list(table.kits.order_by("number"))
    municipalities = list(Municipality.objects.filter(mrc__tables=table).order_by("name"))
    adoptions = {
        (adoption.kit_id, adoption.municipality_id): adoption
        for adoption in KitAdoption.objects.filter(kit__table=table)
    }
    rows = [
        (municipality, [adoptions.get((kit.pk, municipality.pk)) for kit in kits])
        for municipality in municipalities
    ]
    return kits, rows


def adoption_status_label(adoption):
    return adoption.get_status_display() if adoption else _("Pas encore")


def adoption_xlsx(table, lang="fr"):
    with translation.override(lang):
        kits, rows = adoption_matrix(table)
        dataset = tablib.Dataset(
            headers=[_("Municipalité"), *[f"#{kit.number} {kit.title}" for kit in kits]]
        )
        for municipality, adoptions in rows:
            dataset.append(
                [
                    municipality.name,
                    *[
                        " ".join(
                            filter(
                                None,
                                [
                                    adoption_status_label(adoption),
                                    adoption.done_on.isoformat()
                                    if adoption and adoption.done_on
                                    else "",
                                    adoption.published_url if adoption else "",
                                ],
                            )
                        )
                        for adoption in adoptions
                    ],
                ]
            )
        dataset.title = _("Adoption des trousses")[:31]
        content = spreadsheet_export(dataset, "xlsx")
    return (
        f"{slugify(table.slug)}-trousses.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        content,
    )
