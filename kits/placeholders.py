"""Diffusion kits: placeholders, sanitised Markdown, personalisation for one municipality."""

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
ALLOWED_TAGS = {"p", "a", "strong", "em", "ul", "ol", "li", "br", "h3", "h4", "blockquote", "mark"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "mark": {"class"}}
GAP = "\ue000{}\ue001"  # private-use characters survive Markdown; replaced by a visible gap


def unknown_placeholders(text):
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in PLACEHOLDERS})


def render_markdown(text):
    """Markdown to HTML, sanitised: no script, no style, no javascript: link."""
    rendered = markdown.markdown(text or "", extensions=["nl2br", "sane_lists"])
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener",
    )


def placeholder_values(kit, municipality):
    contact = municipality.contact
    organisation = kit.organisation
    return {
        "municipalite": municipality.name,
        "mrc": municipality.mrc.name,
        "site_web": municipality.website,
        "contact": contact.title if contact else "",
        "organisme": organisation.name if organisation else "",
        "organisme_site": organisation.website if organisation else "",
        "table": kit.table.name,
    }


def _substitute(text, values, gap):
    def replace(match):
        value = values.get(match.group(1), "")
        return value if value else gap(match.group(1))

    return PLACEHOLDER.sub(replace, text or "")


def _gap_label(name):
    return _("à compléter : %(what)s") % {"what": PLACEHOLDERS[name]}


class _PlainText(HTMLParser):
    """Sanitised HTML back to text for Facebook and e-mail: links as their address."""

    def __init__(self):
        super().__init__()
        self.parts, self.href = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []
        elif tag == "li":
            self.parts.append("- ")
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "a":
            text = "".join(self.link_text)
            href = self.href or ""
            bare = href.removeprefix("mailto:").removeprefix("tel:")
            shown = text if text.strip() in {href, bare} or not href else f"{text} ({bare})"
            self.parts.append(shown)
            self.href = None
        elif tag in {"p", "h3", "h4", "blockquote", "ul", "ol"}:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n")

    def handle_data(self, data):
        (self.link_text if self.href is not None else self.parts).append(data)


def html_to_text(rendered):
    parser = _PlainText()
    parser.feed(rendered)
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@dataclass
class PersonalisedBlock:
    block: object
    html: str
    text: str
    gaps: list


def personalise(kit, municipality, text):
    """``(html, plain text, missing placeholders)`` of ``text`` for ``municipality``."""
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
