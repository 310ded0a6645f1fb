"""Markdown that people write (kits, agendas, minutes, messages), rendered safely: HTML
sanitised (no script, no style, no javascript: link), and back to plain text for e-mail."""

import re
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "a",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "br",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "mark",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "mark": {"class"}}


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


class _PlainText(HTMLParser):
    """Sanitised HTML back to text for Facebook and e-mail: links as their address."""

    def __init__(self):
        super().__init__()
        self.parts, self.href = [], None
        self.lists = []  # per open list: the next number of an <ol>, None for a <ul>

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []
        elif tag in {"ol", "ul"}:
            self.lists.append(1 if tag == "ol" else None)
        elif tag == "li":
            number = self.lists[-1] if self.lists else None
            if number is None:
                self.parts.append("- ")
            else:
                self.parts.append(f"{number}. ")
                self.lists[-1] += 1
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
        elif tag in {"p", "h2", "h3", "h4", "blockquote", "ul", "ol"}:
            if tag in {"ul", "ol"} and self.lists:
                self.lists.pop()
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n")

    def handle_data(self, data):
        if not data.strip() and self.parts and self.parts[-1].endswith("\n"):
            return  # the line breaks between an HTML list's items, not text
        (self.link_text if self.href is not None else self.parts).append(data)


def html_to_text(rendered):
    parser = _PlainText()
    parser.feed(rendered)
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def markdown_to_text(text):
    """The plain-text version of Markdown (an e-mail's text part)."""
    return html_to_text(render_markdown(text))
