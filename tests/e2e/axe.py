"""axe-core, as shipped inside the axe-playwright-python package (PyPI: no npm needed), run in
the page. It is injected as an inline script, which the site's CSP refuses: pages checked with
it come from a context opened with ``bypass_csp=True``."""

from pathlib import Path

import axe_playwright_python

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
SERIOUS = {"serious", "critical"}


def violations(page):
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")[
        "violations"
    ]


def serious_violations(page):
    """« rule: help [targets] » for each serious or critical violation on the page."""
    return [
        f"{violation['id']}: {violation['help']} {[node['target'] for node in violation['nodes']]}"
        for violation in violations(page)
        if violation["impact"] in SERIOUS
    ]
