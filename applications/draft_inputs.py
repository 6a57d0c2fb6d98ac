"""What the applicant typed on a section page and has not saved yet, kept by autosave.

Autosave must never destroy or half-write a section: rows and forms are saved for real only by
the page's own 保存 (with its checks), so what autosave keeps is the page's typed input as posted,
one row per application and section, shown back when the page is opened again and dropped once
the section is saved. Registered as a model of the applications app (imported by models.py)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DraftInput(models.Model):
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="draft_inputs")
    section = models.CharField(_("栏目"), max_length=40)
    # The posted fields as {name: [values]} (a QueryDict's lists); never files, never the CSRF token.
    data = models.JSONField(_("已输入内容"), default=dict)
    saved_at = models.DateTimeField(_("自动保存时间"), default=timezone.now)

    class Meta:
        verbose_name = _("自动保存的输入")
        verbose_name_plural = _("自动保存的输入")
        constraints = [
            models.UniqueConstraint(fields=["application", "section"], name="draft_input_per_application_section")
        ]

    def __str__(self):
        return f"{self.application_id} {self.section} {self.saved_at:%Y-%m-%d %H:%M}"
