"""Materials (申报材料): what an application must carry, the checks on an uploaded file, and the
services that store, replace and delete uploads.

Every upload is scanned by ClamAV (`virus_check`, failing closed) before its type is judged.
A file's type is judged from its bytes only: the name and the browser's content type are the
uploader's claims, and renaming `setup.exe` to `证书.pdf` must not get it past the door. Files are
stored under server-made names (`material_path`); the uploader's name is kept only as a record.
"""

import errno
import hashlib
import logging
import os
import struct
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Q
from django.utils.translation import gettext as _

from portal.catalog.models import MaterialRequirement
from portal.core import clamav

from .models import Application, CurrentTitle, Material
from .pdf_safety import check_pdf
from .permissions import can_edit_application

try:  # WeasyPrint depends on Pillow, so it is normally there; without it images get the byte check only.
    from PIL import Image
except ImportError:  # pragma: no cover
    Image = None

logger = logging.getLogger("portal.applications.materials")

MB = 1024 * 1024
PHOTO_MAX_BYTES = 2 * MB
# Zip containers (docx/xlsx) are inspected, never extracted; these bounds refuse archive bombs
# before anything downstream (a reviewer's viewer, a converter) tries to open them.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 250 * MB
# Extra materials beyond the required list, per application.
MAX_EXTRA_MATERIALS = 30

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# For the file inputs' `accept` attribute: a hint to the browser's picker, not a check.
ACCEPT = ".jpg,.jpeg,.png,.pdf,.doc,.docx,.xls,.xlsx"

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
# What may stand before a PDF's header: whitespace, NUL padding, a byte-order mark. Anything else
# makes a polyglot (an HTML page or a script that viewers also open as a PDF).
PDF_LEADING_ALLOWED = b"\xef\xbb\xbf \t\r\n\x00"


def _unsupported() -> ValidationError:
    return ValidationError(
        _("文件类型不受支持：只接受 JPG、PNG、PDF、DOC/DOCX、XLS/XLSX 文件（按文件内容判断，修改扩展名无效）。"),
        code="unsupported_type",
    )


def _mb(size: int, *, above: float | None = None) -> str:
    """Size in MB for messages: '10', '12.3'; more decimals when needed to differ from `above`."""
    if above is None:
        return f"{size / MB:.1f}".removesuffix(".0")
    for decimals in (1, 2, 3):
        text = f"{size / MB:.{decimals}f}"
        if float(text) > above:
            return text.removesuffix(".0")
    return f"{size / MB:.4f}"


def max_bytes() -> int:
    return settings.MATERIAL_MAX_BYTES


def limit_label() -> str:
    """The size limit as shown to applicants, e.g. '10 MB'."""
    return f"{_mb(max_bytes())} MB"


def _check_size(upload, limit: int, *, too_large: str, empty: str) -> None:
    size = upload.size
    if not size:
        raise ValidationError(empty, code="empty")
    if size > limit:
        raise ValidationError(
            too_large % {"max": _mb(limit), "size": _mb(size, above=limit / MB)},
            code="too_large",
        )


# --- sniffing -------------------------------------------------------------------------------


def sniff(upload) -> tuple[str, str]:
    """(extension, content type) of an accepted file, judged from its bytes; ValidationError otherwise."""
    upload.seek(0)
    head = upload.read(1024)
    try:
        if head.startswith(JPEG_MAGIC):
            return _image(upload, "JPEG", ".jpg")
        if head.startswith(PNG_MAGIC):
            return _image(upload, "PNG", ".png")
        if head.startswith(OLE_MAGIC):
            return _ole(upload)
        if head.startswith(ZIP_MAGIC):
            return _ooxml(upload)
        offset = head.find(PDF_MAGIC)
        if offset < 0:
            raise _unsupported()
        if head[:offset].lstrip(PDF_LEADING_ALLOWED):
            raise ValidationError(
                _("文件开头含有其他内容（例如网页代码），不是标准的 PDF 文件。请重新导出 PDF 后上传。"),
                code="pdf_leading_data",
            )
        check_pdf(upload)
        return ".pdf", CONTENT_TYPES[".pdf"]
    finally:
        upload.seek(0)


def _image(upload, expected_format: str, extension: str) -> tuple[str, str]:
    if Image is not None:
        upload.seek(0)
        try:
            with warnings.catch_warnings():
                # A decompression bomb is refused, not merely warned about.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(upload) as image:
                    if image.format != expected_format:
                        raise _unsupported()
                    image.verify()
        except ValidationError:
            raise
        except Exception as error:  # Pillow raises many kinds for a damaged file
            raise ValidationError(_("图片文件已损坏或不完整，请重新扫描或导出后上传。"), code="bad_image") from error
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        end = _jpeg_end(data) if extension == ".jpg" else _png_end(data)
    except (ValueError, struct.error, IndexError) as error:
        raise ValidationError(_("图片文件已损坏或不完整，请重新扫描或导出后上传。"), code="bad_image") from error
    if data[end:].strip(b"\x00"):
        raise ValidationError(
            _("图片文件末尾附带了其他数据（例如手机“动态照片”中的视频），请另存为普通 JPG 或 PNG 图片后上传。"),
            code="image_trailing_data",
        )
    return extension, CONTENT_TYPES[extension]


def _jpeg_end(data: bytes) -> int:
    """Offset just after the JPEG's end-of-image marker, found by walking its segments.

    Segments are skipped by their length, so an EXIF thumbnail (a JPEG inside APP1, with its own
    end marker) is not mistaken for the end; inside entropy-coded scan data a marker is 0xFF
    followed by anything but 0x00 (a stuffed byte) or a restart marker. Raises ValueError when
    there is no end marker.
    """
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("no SOI")
    pos, size = 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            raise ValueError("marker expected")
        while pos + 1 < size and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        marker = data[pos + 1]
        if marker == 0xD9:  # EOI
            return pos + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # RSTn, TEM: no length
            pos += 2
            continue
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            raise ValueError("segment length")
        pos += 2 + length
        if marker == 0xDA:  # SOS: entropy-coded data follows, up to the next real marker
            while True:
                pos = data.index(b"\xff", pos)
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    pos += 1 if following == 0xFF else 2
                    continue
                break
    raise ValueError("no EOI")


def _png_end(data: bytes) -> int:
    """Offset just after the PNG's IEND chunk (its CRC included); ValueError when there is none."""
    pos = len(PNG_MAGIC)
    while pos + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            if pos > len(data):
                raise ValueError("short IEND")
            return pos
    raise ValueError("no IEND")


_FREESECT, _ENDOFCHAIN, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF


def _ole_root_streams(f, size: int) -> set[str]:
    """Names of the streams at the top level of an OLE2 compound file (MS-CFB).

    Only the root storage counts: a Word document with an embedded spreadsheet holds a
    'Workbook' stream too, inside ObjectPool. Raises ValueError on a malformed file.
    """
    f.seek(0)
    header = f.read(512)
    if len(header) < 512:
        raise ValueError("short header")
    sector_shift = struct.unpack_from("<H", header, 0x1E)[0]
    if sector_shift not in (9, 12):
        raise ValueError("sector size")
    sector_size = 1 << sector_shift
    per_sector = sector_size // 4
    sector_count = size // sector_size  # sectors after the header
    num_fat, first_dir = struct.unpack_from("<II", header, 0x2C)
    first_difat, num_difat = struct.unpack_from("<II", header, 0x44)
    if num_fat > sector_count or num_difat > sector_count:
        raise ValueError("counts")

    def read_sector(number: int) -> bytes:
        if number >= sector_count:
            raise ValueError("sector out of range")
        f.seek((number + 1) * sector_size)
        data = f.read(sector_size)
        if len(data) < sector_size:
            raise ValueError("short sector")
        return data

    fat_sectors = list(struct.unpack_from("<109I", header, 0x4C))
    difat, hops = first_difat, 0
    while difat not in (_ENDOFCHAIN, _FREESECT):
        hops += 1
        if hops > num_difat:
            raise ValueError("difat chain")
        values = struct.unpack(f"<{per_sector}I", read_sector(difat))
        fat_sectors.extend(values[:-1])
        difat = values[-1]
    fat_sectors = fat_sectors[:num_fat]
    fat_cache: dict[int, tuple[int, ...]] = {}

    def next_sector(number: int) -> int:
        index = number // per_sector
        if index >= len(fat_sectors):
            raise ValueError("fat out of range")
        if index not in fat_cache:
            fat_cache[index] = struct.unpack(f"<{per_sector}I", read_sector(fat_sectors[index]))
        return fat_cache[index][number % per_sector]

    directory = bytearray()
    sector, seen = first_dir, set()
    while sector != _ENDOFCHAIN:
        if sector in seen or len(seen) > sector_count:
            raise ValueError("directory chain loops")
        seen.add(sector)
        directory += read_sector(sector)
        sector = next_sector(sector)

    count = len(directory) // 128

    def entry(index: int) -> tuple[str, int, int, int, int]:
        raw = directory[index * 128 : (index + 1) * 128]
        name_length = min(struct.unpack_from("<H", raw, 0x40)[0], 64)
        name = bytes(raw[: max(name_length - 2, 0)]).decode("utf-16-le", errors="replace")
        left, right, child = struct.unpack_from("<III", raw, 0x44)
        return name, raw[0x42], left, right, child

    if count == 0:
        raise ValueError("no directory")
    _name, kind, _left, _right, child = entry(0)
    if kind != 5:  # the root storage
        raise ValueError("no root entry")
    names, stack, visited = set(), [child], set()
    while stack:
        index = stack.pop()
        if index == _NOSTREAM:
            continue
        if index in visited or index >= count:
            raise ValueError("directory tree")
        visited.add(index)
        name, kind, left, right, _child = entry(index)
        if kind == 2:  # a stream
            names.add(name)
        stack += [left, right]
    return names


def _ole(upload) -> tuple[str, str]:
    try:
        names = _ole_root_streams(upload, upload.size)
    except (ValueError, struct.error) as error:
        raise _unsupported() from error
    is_doc = "WordDocument" in names
    is_xls = "Workbook" in names or "Book" in names
    if is_doc == is_xls:  # neither (PowerPoint, MSI installer, encrypted OOXML…) or both
        raise _unsupported()
    extension = ".doc" if is_doc else ".xls"
    return extension, CONTENT_TYPES[extension]


def _ooxml(upload) -> tuple[str, str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _unsupported() from error
    if len(entries) > ZIP_MAX_ENTRIES or sum(e.file_size for e in entries) > ZIP_MAX_UNCOMPRESSED:
        raise ValidationError(_("文件内容异常（解压后过大），请重新导出后上传。"), code="zip_bomb")
    names = {e.filename for e in entries}
    if any(e.flag_bits & 0x1 for e in entries):
        raise _unsupported()
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationError(_("不接受含宏的文档，请另存为不含宏的 DOCX/XLSX 后上传。"), code="macros")
    if "[Content_Types].xml" not in names:
        raise _unsupported()
    is_docx = "word/document.xml" in names
    is_xlsx = "xl/workbook.xml" in names
    if is_docx == is_xlsx:
        raise _unsupported()
    extension = ".docx" if is_docx else ".xlsx"
    return extension, CONTENT_TYPES[extension]


# --- virus scan -----------------------------------------------------------------------------


def virus_check(upload) -> None:
    """Scan the upload with clamd; ValidationError when it is infected or could not be scanned.

    Runs before the type checks, so that every upload is scanned (and a virus is named as such,
    not as a wrong file type). An upload the scanner could not judge is refused: fail closed.
    """
    if not settings.CLAMAV_ENABLED:
        return
    upload.seek(0)
    try:
        result = clamav.scan_stream(upload)
    except clamav.ScannerUnavailable as error:
        logger.error("upload refused, virus scanner unavailable: %s", error)
        raise ValidationError(
            _("病毒扫描服务暂时不可用，文件未被接收。请稍后重新上传；如一直如此，请联系平台管理员。"),
            code="scanner_unavailable",
        ) from error
    finally:
        upload.seek(0)
    if not result.clean:
        logger.warning("upload refused, clamd found %s (%s bytes)", result.signature, upload.size)
        raise ValidationError(
            _("文件未通过病毒扫描（检测到：%(signature)s），已拒收。请查杀电脑病毒后重新扫描或导出文件再上传。")
            % {"signature": result.signature},
            code="infected",
        )


def check_upload(upload) -> tuple[str, str]:
    """Size, virus and type checks for a material file; (extension, content type) when accepted."""
    _check_size(
        upload,
        max_bytes(),
        too_large=_("文件过大：最大 %(max)s MB，当前 %(size)s MB。"),
        empty=_("文件为空，请选择正确的文件。"),
    )
    virus_check(upload)
    return sniff(upload)


def photo_check(upload) -> tuple[str, str]:
    """Checks for the ID photo (Profile.photo): a real JPEG or PNG image of at most 2 MB, scanned.

    Returns (extension, content type); the caller should store it under a server-made name.
    """
    _check_size(
        upload,
        PHOTO_MAX_BYTES,
        too_large=_("证件照过大：最大 %(max)s MB，当前 %(size)s MB。"),
        empty=_("证件照文件为空，请重新选择。"),
    )
    virus_check(upload)
    try:
        extension, content_type = sniff(upload)
    except ValidationError as error:
        if error.code in ("bad_image", "image_trailing_data"):
            raise
        raise ValidationError(_("证件照须为JPG或PNG图片。"), code="photo_type") from error
    if extension not in (".jpg", ".png"):
        raise ValidationError(_("证件照须为JPG或PNG图片。"), code="photo_type")
    return extension, content_type


# --- names ----------------------------------------------------------------------------------


def _without_controls(text: str) -> str:
    # Category C* covers control characters and format characters such as U+202E, the
    # right-to-left override that makes "fdp.exe" look like "exe.pdf".
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))


def clean_original_name(name: str | None) -> str:
    """The uploader's file name as a harmless record: last path part, no control characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    return _without_controls(base).strip()[:255] or "unnamed"


def clean_material_name(name: str | None) -> str:
    """An extra material's name, as typed: it becomes the download name (name + extension)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写材料名称。")}, code="required")
    if any(sep in name for sep in ("/", "\\")) or _without_controls(name) != name:
        raise ValidationError({"name": _("材料名称不能包含斜杠或控制字符。")}, code="invalid")
    # "获奖证书.pdf" typed as the name would download as 获奖证书.pdf.pdf.
    stem, extension = os.path.splitext(name)
    if stem.strip() and extension.lower() in {*CONTENT_TYPES, ".jpeg"}:
        name = stem.strip()
    if len(name) > 100:
        raise ValidationError({"name": _("材料名称最多100个字。")}, code="max_length")
    return name


# --- selectors ------------------------------------------------------------------------------


def required_materials(application: Application):
    """The material requirements of the application's item and series, general ones first."""
    return MaterialRequirement.objects.filter(
        Q(series__isnull=True) | Q(series_id=application.series_id), item_id=application.item_id
    ).order_by(F("series_id").asc(nulls_first=True), "order", "id")


@dataclass(frozen=True)
class MaterialsOverview:
    slots: list  # [(MaterialRequirement, Material | None)]
    extras: list  # [Material] uploaded beyond the required list
    missing: list  # [MaterialRequirement] required and not uploaded


def materials_overview(application: Application) -> MaterialsOverview:
    """Everything the materials page shows, in two queries."""
    requirements = list(required_materials(application))
    uploads = list(Material.objects.filter(application=application).order_by("uploaded_at", "id"))
    by_requirement = {m.requirement_id: m for m in uploads if m.requirement_id is not None}
    slots = [(r, by_requirement.get(r.pk)) for r in requirements]
    wanted = {r.pk for r in requirements}
    # An upload whose requirement no longer applies (the catalogue changed) is still shown, as an extra.
    extras = [m for m in uploads if m.requirement_id is None or m.requirement_id not in wanted]
    missing = [r for r, m in slots if r.required and m is None]
    return MaterialsOverview(slots=slots, extras=extras, missing=missing)


def material_slots(application: Application) -> list:
    """[(requirement, uploaded Material or None)] in page order (two queries)."""
    return materials_overview(application).slots


def missing_required_materials(application: Application) -> list:
    """Required materials not uploaded yet; submission needs this to be empty (one query). A
    material only for holders of a title is not required of someone who has none."""
    without_title = CurrentTitle.objects.filter(application_id=application.pk, has_title=False)
    return list(
        required_materials(application)
        .filter(required=True)
        .exclude(uploads__application=application)
        .exclude(Q(needs_current_title=True) & Exists(without_title))
    )


# --- services -------------------------------------------------------------------------------


def _delete_stored(storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # a leftover file is better than a failed request; the log says which
        logger.exception("could not delete stored material %s", name)


def _lock_editable(application: Application, user) -> Application:
    """Re-read the application under a row lock and check it is still editable by `user`."""
    locked = Application.objects.select_for_update().only("id", "state", "applicant_id").get(pk=application.pk)
    if not can_edit_application(user, locked):
        raise PermissionDenied(_("申报当前不可修改，材料不能上传或删除。"))
    return locked


def material_upload(
    *, application: Application, user, upload, requirement: MaterialRequirement | None = None, name: str | None = None
) -> Material:
    """Store `upload` as a required material (replacing the slot's file) or as an extra material.

    The file is written before the transaction so no lock is held during storage I/O; if the
    transaction fails the file is removed again. A replaced file is removed after commit.
    """
    if not can_edit_application(user, application):
        raise PermissionDenied(_("申报当前不可修改，材料不能上传或删除。"))
    if requirement is not None:
        if requirement.item_id != application.item_id or requirement.series_id not in (None, application.series_id):
            raise ValidationError(_("该材料不属于本申报。"), code="wrong_requirement")
        name = requirement.name
    else:
        name = clean_material_name(name)
    try:
        extension, content_type = check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error

    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    material = Material(
        application=application,
        requirement=requirement,
        name=name,
        extension=extension,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        original_name=clean_original_name(getattr(upload, "name", "")),
    )
    storage = material.file.storage
    upload.seek(0)
    # The name given here is ignored by material_path; only the server-made name is used.
    target = material.file.field.generate_filename(material, f"upload{extension}")
    try:
        stored = storage.save(target, upload)
    except OSError as error:
        # A full disk (ENOSPC, EDQUOT) or a failing volume: refuse at the field, and remove what
        # was written before the error (the filesystem storage leaves a partial file behind).
        _delete_stored(storage, target)
        logger.error(
            "material upload not stored: %s (%s) on %s",
            errno.errorcode.get(error.errno, "OSError"),
            error.strerror or error,
            type(storage).__name__,
        )
        raise ValidationError(
            {"file": _("服务器存储空间不足或存储故障，文件未能保存，请稍后再试；如一直失败请联系管理员。")},
            code="storage",
        ) from error
    material.file.name = stored
    try:
        with transaction.atomic():
            _lock_editable(application, user)
            if requirement is None:
                # The same file under the same name again is a double-clicked upload: keep one.
                same = Material.objects.filter(
                    application=application, requirement__isnull=True, name=name, sha256=material.sha256
                ).first()
                if same is not None:
                    transaction.on_commit(partial(_delete_stored, storage, stored), robust=True)
                    return same
                extras = Material.objects.filter(application=application, requirement__isnull=True).count()
                if extras >= MAX_EXTRA_MATERIALS:
                    raise ValidationError(
                        {"file": _("其他材料最多 %(n)s 个，请合并或删除后再上传。") % {"n": MAX_EXTRA_MATERIALS}}
                    )
            else:
                old = Material.objects.filter(application=application, requirement=requirement).first()
                if old is not None:
                    old.delete()
                    transaction.on_commit(partial(_delete_stored, storage, old.file.name), robust=True)
            material.save()
    except IntegrityError as error:
        _delete_stored(storage, stored)
        raise ValidationError({"file": _("该材料刚刚已被上传，请刷新页面后再试。")}, code="conflict") from error
    except BaseException:
        _delete_stored(storage, stored)
        raise
    return material


def material_delete(*, application: Application, user, material: Material) -> None:
    """Delete an uploaded material; its stored file is removed after commit."""
    if material.application_id != application.pk:
        raise PermissionDenied
    if not can_edit_application(user, application):
        raise PermissionDenied(_("申报当前不可修改，材料不能上传或删除。"))
    storage, stored = material.file.storage, material.file.name
    with transaction.atomic():
        _lock_editable(application, user)
        deleted, _rows = Material.objects.filter(pk=material.pk).delete()
        if deleted:
            transaction.on_commit(partial(_delete_stored, storage, stored), robust=True)
