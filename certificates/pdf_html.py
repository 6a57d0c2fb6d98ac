"""WeasyPrint's HTML with a lighter user-agent stylesheet, for the portal's own PDF templates.

WeasyPrint's stylesheet (html5_ua.css) styles six pseudo-elements on *every* element:
``::marker``, ``::footnote-call``, ``::footnote-marker``, ``::note-call``, ``::note-marker`` and
``::note-callback``. The cascade then computes a style for each of them, seven styles per element
where one is used: ~15% of a certificate's CPU. A marker is drawn only for a list item and the
others only for footnotes, so here ``::marker`` is kept for the elements that are list items
(``li``, ``summary``; no stylesheet in certificates/pdf makes another one) and the note rules are
dropped (no template in templates/certificates/pdf has a footnote). Every other rule is
WeasyPrint's own, read from the installed package, so the documents lay out exactly as before
(tests/test_certificate_render_cost.py compares the PDFs).
"""

import re

from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.html import UA, UA_FORM_STYLESHEET

UNIVERSAL_PSEUDO_RULE = re.compile(
    r"^::(marker|footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^}]*\}\n", re.MULTILINE
)
LIST_ITEM_MARKER = (
    ":is(li, summary)::marker { font-variant-numeric: tabular-nums; white-space: pre; text-transform: none }\n"
)


def _portal_user_agent_css() -> str:
    found = {m.group(1) for m in UNIVERSAL_PSEUDO_RULE.finditer(UA)}
    expected = {"marker", "footnote-call", "footnote-marker", "note-call", "note-marker", "note-callback"}
    if found != expected:
        # A WeasyPrint upgrade changed these rules: use its stylesheet unchanged rather than guess.
        return UA
    return UNIVERSAL_PSEUDO_RULE.sub("", UA) + LIST_ITEM_MARKER


# Parsed once per process, like WeasyPrint's own. Its @counter-style rules go into a throwaway
# registry: the documents use WeasyPrint's (HTML._ua_counter_style), which already holds them.
PORTAL_UA_STYLESHEET = CSS(string=_portal_user_agent_css(), counter_style=CounterStyle())


class PortalHTML(HTML):
    def _ua_stylesheets(self, forms=False):
        return [PORTAL_UA_STYLESHEET, UA_FORM_STYLESHEET] if forms else [PORTAL_UA_STYLESHEET]
