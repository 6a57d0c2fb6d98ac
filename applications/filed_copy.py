"""The applicant's own copy (Kunming §五(6)): a zip of every material with a summary of the filing."""

import json
import tempfile
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Application
from .services import snapshot
from .snapshot_display import labelled_content


def filed_copy_zip(application: Application):
    """(file object positioned at 0, download name). Materials stream from storage one by one."""
    content = application.filed_content or snapshot(application)
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        # The archive is a Chinese record, whatever language the page is shown in.
        with translation.override("zh-hans"):
            summary = render_to_string(
                "applications/filed_copy_summary.html",
                {"application": application, "sections": labelled_content(content), "generated_at": timezone.now()},
            )
        zf.writestr("申报信息.html", summary)
        zf.writestr("申报信息.json", json.dumps(content, ensure_ascii=False, indent=2))
        used = set()
        for number, material in enumerate(application.materials.all(), start=1):
            name = f"材料/{number:02d}-{material.display_name}"
            if name in used:
                continue
            used.add(name)
            with material.file.open("rb") as source, zf.open(name, "w") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
    archive.seek(0)
    state = "已提交" if application.filed_content else "草稿"
    return archive, f"{application.applicant.real_name}-{application.item.short_name}-{state}.zip"
