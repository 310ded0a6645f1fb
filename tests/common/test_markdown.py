"""Markdown people write, as the plain text of an e-mail: lists read as lists."""

from common.markdown import markdown_to_text, render_markdown


def test_numbered_and_bulleted_lists_keep_their_numbers_and_no_blank_lines():
    text = markdown_to_text(
        "Ordre du jour :\n\n1. Mot de bienvenue\n2. **Bilan** [du plan](https://plan.example)\n"
        "3. Varia\n\n- un\n- deux\n\nFin."
    )
    assert text == (
        "Ordre du jour :\n\n1. Mot de bienvenue\n2. Bilan du plan (https://plan.example)\n"
        "3. Varia\n\n- un\n- deux\n\nFin."
    )


def test_script_and_javascript_links_never_survive():
    html = render_markdown("<script>alert(1)</script> [x](javascript:alert(1)) **gras**")
    assert "<script" not in html and "javascript:" not in html
    assert "<strong>gras</strong>" in html
