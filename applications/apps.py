from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "职称申报"

    def ready(self):
        # Imported here because the workflow's events are subscribed to once the apps are loaded.
        from .record_verification import on_step
        from .workflow import events

        events.subscribe(on_step)
