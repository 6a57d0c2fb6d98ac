"""PDFs that would run something when opened (JavaScript, Launch, OpenAction and AA actions) are
refused, and so are PDFs that cannot be parsed; a plain PDF, including one a scanner or Word
makes with links and an opening view, is still accepted."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from applications import materials
from applications.models import Material
from applications.sample import pdf_bytes
from tests.test_materials import make_application, slot

pytestmark = pytest.mark.django_db

REFUSED = "不接受含脚本或自动动作的 PDF"
UNREADABLE = "PDF 文件已损坏或无法读取"


def name(value: str) -> NameObject:
    return NameObject(value)


def action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({name("/Type"): name("/Action"), name("/S"): name(kind)})
    for key, value in entries.items():
        action[name(f"/{key}")] = value
    return action


def javascript() -> DictionaryObject:
    return action("/JavaScript", JS=TextStringObject("app.alert('hi')"))


def launch() -> DictionaryObject:
    return action("/Launch", F=TextStringObject("cmd.exe"))


def link(target: DictionaryObject) -> DictionaryObject:
    return DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/Link"),
            name("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(50), NumberObject(50)]),
            name("/A"): target,
        }
    )


def build(change=None) -> bytes:
    """A one-page PDF written by pypdf; `change(writer, page)` adds what the test needs."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    if change is not None:
        change(writer, page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def open_action(value):
    def change(writer, page):
        writer._root_object[name("/OpenAction")] = value

    return change


def page_annotation(target):
    def change(writer, page):
        page[name("/Annots")] = ArrayObject([writer._add_object(link(target))])

    return change


def page_aa(writer, page):
    page[name("/AA")] = DictionaryObject({name("/O"): javascript()})


def catalog_aa(writer, page):
    writer._root_object[name("/AA")] = DictionaryObject({name("/WC"): javascript()})


def names_javascript(writer, page):
    tree = DictionaryObject(
        {name("/Names"): ArrayObject([TextStringObject("hello"), writer._add_object(javascript())])}
    )
    writer._root_object[name("/Names")] = DictionaryObject({name("/JavaScript"): writer._add_object(tree)})


def outline_javascript(writer, page):
    item = DictionaryObject({name("/Title"): TextStringObject("封面"), name("/A"): javascript()})
    item_ref = writer._add_object(item)
    outlines = DictionaryObject(
        {
            name("/Type"): name("/Outlines"),
            name("/First"): item_ref,
            name("/Last"): item_ref,
            name("/Count"): NumberObject(1),
        }
    )
    outlines_ref = writer._add_object(outlines)
    item[name("/Parent")] = outlines_ref
    writer._root_object[name("/Outlines")] = outlines_ref


def form_field_javascript(writer, page):
    field = DictionaryObject(
        {
            name("/FT"): name("/Tx"),
            name("/T"): TextStringObject("f"),
            name("/AA"): DictionaryObject({name("/K"): javascript()}),
        }
    )
    writer._root_object[name("/AcroForm")] = DictionaryObject(
        {name("/Fields"): ArrayObject([writer._add_object(field)])}
    )


def next_action_javascript(writer, page):
    goto = action("/GoTo", D=ArrayObject([NumberObject(0), name("/Fit")]), Next=javascript())
    page_annotation(goto)(writer, page)


HAND_WRITTEN_OBFUSCATED = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    # "/J#61vaScript" is "/JavaScript" to a PDF reader.
    b"4 0 obj<</S/J#61vaScript/JS(app.alert(1))>>endobj\n"
    b"trailer<</Root 1 0 R/Size 5>>\nstartxref\n0\n%%EOF\n"
)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(build(open_action(javascript())), id="openaction-javascript"),
        pytest.param(build(open_action(launch())), id="openaction-launch"),
        pytest.param(
            build(open_action(action("/URI", URI=TextStringObject("http://x.example/")))), id="openaction-uri"
        ),
        pytest.param(
            build(open_action(action("/GoTo", D=ArrayObject([NumberObject(0), name("/Fit")]), Next=action("/URI")))),
            id="openaction-goto-then-uri",
        ),
        pytest.param(build(page_annotation(launch())), id="annotation-launch"),
        pytest.param(build(page_annotation(javascript())), id="annotation-javascript"),
        pytest.param(build(next_action_javascript), id="annotation-next-javascript"),
        pytest.param(build(page_aa), id="page-aa"),
        pytest.param(build(catalog_aa), id="catalog-aa"),
        pytest.param(build(names_javascript), id="names-javascript"),
        pytest.param(build(outline_javascript), id="outline-javascript"),
        pytest.param(build(form_field_javascript), id="form-field-aa"),
        pytest.param(HAND_WRITTEN_OBFUSCATED, id="obfuscated-name"),
    ],
)
def test_active_pdf_is_refused(content):
    with pytest.raises(ValidationError) as caught:
        materials.sniff(SimpleUploadedFile("a.pdf", content))
    assert caught.value.code == "pdf_active_content"
    assert REFUSED in caught.value.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nthis is not a pdf at all\n", id="no-structure"),
        pytest.param(build()[:300], id="truncated"),
        pytest.param(b"%PDF-1.7\n" + b"\0" * 2000, id="nul-bytes"),
    ],
)
def test_unparsable_pdf_is_refused(content):
    with pytest.raises(ValidationError) as caught:
        materials.sniff(SimpleUploadedFile("a.pdf", content))
    assert caught.value.code == "pdf_unreadable"
    assert UNREADABLE in caught.value.messages[0]


def test_encrypted_pdf_needing_a_password_is_refused():
    def encrypt(writer, page):
        writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")

    with pytest.raises(ValidationError) as caught:
        materials.sniff(SimpleUploadedFile("a.pdf", build(encrypt)))
    assert caught.value.code == "pdf_encrypted"


def destination(writer):
    return ArrayObject(
        [writer.pages[0].indirect_reference, name("/XYZ"), FloatObject(0), FloatObject(200), FloatObject(1)]
    )


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(pdf_bytes("plain"), id="sample"),
        pytest.param(build(), id="pypdf-blank"),
        pytest.param(build(lambda w, p: open_action(destination(w))(w, p)), id="openaction-destination"),
        # LaTeX's hyperref writes this into every PDF it makes.
        pytest.param(build(lambda w, p: open_action(action("/GoTo", D=destination(w)))(w, p)), id="openaction-goto"),
        pytest.param(
            build(page_annotation(action("/URI", URI=TextStringObject("https://rsj.km.gov.cn/")))), id="uri-link"
        ),
        pytest.param(build(lambda w, p: page_annotation(action("/GoTo", D=destination(w)))(w, p)), id="goto-link"),
        pytest.param(
            build(lambda w, p: w.encrypt(user_password="", owner_password="owner", algorithm="AES-128")),
            id="owner-password-only",
        ),
    ],
)
def test_plain_pdf_is_accepted(content):
    assert materials.sniff(SimpleUploadedFile("a.pdf", content)) == (".pdf", "application/pdf")


def test_active_pdf_upload_is_refused_at_the_field(client, catalog):
    application = make_application()
    client.force_login(application.applicant)
    response = client.post(
        reverse("applications:materials", args=[application.pk]),
        {"file": SimpleUploadedFile("a.pdf", build(open_action(javascript()))), "requirement": slot(application).pk},
    )
    assert response.status_code == 200
    form = next(row.form for row in response.context["slots"] if row.form is not None)
    assert REFUSED in " ".join(form.errors["file"])
    assert not Material.objects.filter(application=application).exists()
