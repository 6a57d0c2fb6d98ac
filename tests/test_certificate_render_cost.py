"""The certificate renderer's per-document cost (issue 16, item 5: 1,000 certificates in ≤ 20 s on
2 cores) came down without changing a byte of what it prints: the QR code is the one segno would
choose by itself, and the lighter user-agent stylesheet lays the documents out exactly as
WeasyPrint's own. The work saved is pinned as counts (styles computed per element), not times."""

import datetime
import hashlib

import segno
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.css import StyleFor

from certificates import documents
from certificates.documents import CSS_DIR, certificates_pdf
from certificates.models import Certificate
from certificates.pdf_html import PortalHTML
from certificates.qr import best_mask, qr_png_data_uri
from portal.accounts.models import User
from portal.core.identity import with_check_digit

ADDRESSES = [
    f"http://127.0.0.1:8000/certificates/verify/{hashlib.sha256(str(i).encode()).hexdigest()[:32]}/"
    for i in [*range(120), 1214]  # 1214: the first of these tokens whose best mask is mask 1
]
# Other lengths reach other QR versions (7 and above carry version information).
TEXTS = ADDRESSES + ["KM2026" + "0" * k for k in range(0, 200, 9)]


def _certificates(n: int) -> list[Certificate]:
    made = []
    for i in range(n):
        holder = User(
            pk=i + 1, real_name=f"张{i}", id_number=with_check_digit(f"530102{1970 + i % 30}0101{i % 1000:03d}")
        )
        made.append(
            Certificate(
                pk=i + 1,
                number=f"5301002026{i + 1:06d}",
                year=2026,
                serial=i + 1,
                holder=holder,
                holder_name=holder.real_name,
                id_number=holder.id_number,
                series_name="中小学教师",
                title_name="一级教师",
                level_name="中级",
                obtained_by="evaluation" if i % 3 else "recognition",
                approved_on=datetime.date(2026, 6, 30),
                issued_on=datetime.date(2026, 7, 1),
                authority_name="昆明市人力资源和社会保障局",
                committee_name="昆明市中小学中级教师评审委员会" if i % 3 else "",
                verify_token=hashlib.sha256(f"token{i}".encode()).hexdigest()[:32],
            )
        )
    return made


def test_the_qr_code_is_the_one_segno_would_choose_byte_for_byte():
    chosen = set()
    for text in TEXTS:
        own = segno.make(text, error="m", micro=False)
        chosen.add(own.mask)
        assert best_mask(text) == own.mask, text
        assert qr_png_data_uri(text) == own.png_data_uri(scale=1, border=4), text
    assert chosen == set(range(8))  # every mask was the best one somewhere


def test_a_certificate_batch_is_the_same_pdf_as_with_weasyprint_s_own_stylesheet(monkeypatch):
    batch = _certificates(6)
    photos = {c.pk: "" for c in batch}
    ours = certificates_pdf(batch, photos=photos)

    def stock_layout(html, stylesheet):
        return HTML(string=html, base_url=str(CSS_DIR)).render(
            stylesheets=[documents._stylesheet(stylesheet)], font_config=documents._font_config()
        )

    monkeypatch.setattr(documents, "_layout", stock_layout)
    monkeypatch.setattr(
        documents,
        "qr_png_data_uri",
        lambda url: segno.make(url, error="m", micro=False).png_data_uri(scale=1, border=4),
    )
    assert certificates_pdf(batch, photos=photos) == ours


def test_list_markers_are_drawn_as_before():
    # The receipt lists its notes: ::marker stays for list items.
    html = "<html><body><ol><li>受理凭证</li><li>二</li></ol><ul><li>三</li></ul></body></html>"
    assert PortalHTML(string=html).write_pdf() == HTML(string=html).write_pdf()


def test_the_cascade_computes_one_style_per_element_of_a_certificate(monkeypatch):
    computed = []
    real = StyleFor.set_computed_styles

    def counting(self, element, parent, root=None, pseudo_type=None, **kwargs):
        computed.append(pseudo_type)
        return real(self, element, parent, root=root, pseudo_type=pseudo_type, **kwargs)

    monkeypatch.setattr(StyleFor, "set_computed_styles", counting)
    html = render_to_string("certificates/pdf/certificate.html", {"pages": [{"c": c} for c in _certificates(2)]})
    PortalHTML(string=html, base_url=str(CSS_DIR)).render(stylesheets=[documents._stylesheet("certificate.css")])
    pseudo = [p for p in computed if p and not p.startswith("@")]  # @page areas are not elements
    assert computed and not pseudo  # before: six pseudo-element styles for every element

    computed.clear()
    HTML(string=html, base_url=str(CSS_DIR)).render(stylesheets=[documents._stylesheet("certificate.css")])
    assert len([p for p in computed if p and not p.startswith("@")]) > 5 * len([p for p in computed if not p])
