"""Diffusion kits: placeholders, sanitised Markdown, personalisation for one municipality."""

import html
import re
from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.markdown import html_to_text, render_markdown

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS = {
    "municipalite": gettext_lazy("nom de la municipalité"),
    "mrc": gettext_lazy("nom de la MRC"),
    "site_web": gettext_lazy("site web de la municipalité"),
    "contact": gettext_lazy("personne désignée de la municipalité"),
    "organisme": gettext_lazy("organisme mis en valeur par la trousse"),
    "organisme_site": gettext_lazy("site web de l'organisme"),
    "table": gettext_lazy("nom de la table"),
}
GAP = "\ue000{}\ue001"  # private-use characters survive Markdown; replaced by a visible gap


def unknown_placeholders(text):
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in PLACEHOLDERS})


def placeholder_values(kit, municipality):
    """The values of the placeholders; without a municipality, only the kit's own (the
    municipality's are then gaps to complete)."""
    organisation = kit.organisation
    values = {
        "organisme": organisation.name if organisation else "",
        "organisme_site": organisation.website if organisation else "",
        "table": kit.table.name,
    }
    if municipality is not None:
        contact = municipality.contact
        values.update(
            municipalite=municipality.name,
            mrc=municipality.mrc.name,
            site_web=municipality.website,
            contact=contact.title if contact else "",
        )
    return values


def _substitute(text, values, gap):
    def replace(match):
        value = values.get(match.group(1), "")
        return value if value else gap(match.group(1))

    return PLACEHOLDER.sub(replace, text or "")


def _gap_label(name):
    return _("à compléter : %(what)s") % {"what": PLACEHOLDERS[name]}


@dataclass
class PersonalisedBlock:
    block: object
    html: str
    text: str
    gaps: list


def personalise(kit, municipality, text):
    """``(html, plain text, missing placeholders)`` of ``text`` for ``municipality`` (None:
    the municipality's placeholders are gaps)."""
    values = placeholder_values(kit, municipality)
    missing = sorted({name for name in PLACEHOLDER.findall(text or "") if not values.get(name)})
    marked = _substitute(text, values, lambda name: GAP.format(name))
    rendered = render_markdown(marked)
    rendered = re.sub(
        "\ue000([a-z_]+)\ue001",
        lambda match: f'<mark class="gap">[{html.escape(_gap_label(match.group(1)))}]</mark>',
        rendered,
    )
    plain = html_to_text(rendered).replace("\ue000", "").replace("\ue001", "")
    return mark_safe(rendered), plain, missing


def personalise_kit(kit, municipality):
    return [
        PersonalisedBlock(block, *personalise(kit, municipality, block.body))
        for block in kit.blocks.all()
    ]
