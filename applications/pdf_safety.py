"""Is an uploaded PDF only a document, or does it try to do something when a reviewer opens it?

Reviewers open applicants' PDFs on office machines, often in viewers that run JavaScript. A PDF is
refused when anything reachable from its trailer (the catalogue, pages, annotations, outlines,
form fields, the name trees) holds:

- a JavaScript or Launch action, or JavaScript by its key (`/JS`, the `/JavaScript` name tree);
- additional actions (`/AA`: run on opening a page, closing the file, typing into a field …);
- an `/OpenAction` that does more than show a page: a destination ("open at page 1, fit width")
  or a plain GoTo action, as LaTeX's hyperref writes into every file, is fine; any other action
  run on opening (a URI, a form submission, another file) or a GoTo with a `/Next` is not;
- an XFA form (`/XFA`), which carries scripts of its own.

Links (URI, GoTo) stay allowed: Word and WPS put them in ordinary exports. The file is parsed
with pypdf, which decodes obfuscated names (`/J#61vaScript`) and compressed object streams that
a byte search would miss. A PDF pypdf cannot parse is refused as well: what cannot be inspected
is not accepted.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

logger = logging.getLogger("portal.applications.materials")

RUNNING_ACTIONS = frozenset({"/JavaScript", "/Launch"})
FORBIDDEN_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/XFA"})
# A scanned 10 MB PDF has a few thousand objects; far more is a file built to exhaust the check.
MAX_OBJECTS = 200_000


class _TooComplex(Exception):
    pass


def _unreadable() -> ValidationError:
    return ValidationError(_("PDF 文件已损坏或无法读取，请重新扫描或导出后上传。"), code="pdf_unreadable")


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _only_shows_a_page(open_action) -> bool:
    if not isinstance(open_action, DictionaryObject):
        return True  # a destination array
    return open_action.get("/S") == "/GoTo" and "/Next" not in open_action


def active_content(reader: PdfReader) -> str | None:
    """What makes the PDF active (e.g. '/OpenAction', '/S /Launch'), or None."""
    stack = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        value = stack.pop()
        if isinstance(value, IndirectObject):
            reference = (value.idnum, value.generation)
            if reference in seen:
                continue
            seen.add(reference)
            value = value.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise _TooComplex
        if isinstance(value, DictionaryObject):
            # dict.items(): the raw values, indirect references unresolved (resolved when popped).
            for key, item in dict.items(value):
                if key in FORBIDDEN_KEYS:
                    return key
                if key == "/S" and isinstance(kind := _resolve(item), NameObject) and kind in RUNNING_ACTIONS:
                    return f"/S {kind}"
                if key == "/OpenAction" and not _only_shows_a_page(_resolve(item)):
                    return key
                stack.append(item)
        elif isinstance(value, ArrayObject):
            stack.extend(list.__iter__(value))
    return None


def check_pdf(upload) -> None:
    """ValidationError unless the upload is a PDF pypdf can read, with no active content."""
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise ValidationError(_("PDF 文件设有打开密码，请去除密码后重新导出再上传。"), code="pdf_encrypted")
        if len(reader.pages) < 1:
            raise _unreadable()
        found = active_content(reader)
    except ValidationError:
        raise
    except _TooComplex as error:
        raise _unreadable() from error
    except Exception as error:  # pypdf raises many kinds (and RecursionError) for a damaged file
        logger.info("unreadable PDF refused: %r", error)
        raise _unreadable() from error
    finally:
        upload.seek(0)
    if found:
        logger.warning("PDF with active content refused: %s", found)
        raise ValidationError(
            _(
                "不接受含脚本或自动动作的 PDF（如 JavaScript、打开时自动执行的动作、启动程序）。"
                "请用“打印为 PDF”或重新扫描生成后上传。"
            ),
            code="pdf_active_content",
        )
