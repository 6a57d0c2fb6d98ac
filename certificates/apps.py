from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "证书"

    def ready(self):
        # Imported here because the workflow's events are subscribed to once the apps are loaded.
        from applications.workflow import events

        from .subscribers import on_step

        events.subscribe(on_step)
