from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "审核"

    def ready(self):
        # Imported here because models may not be imported before the app registry is ready.
        from applications.workflow import events, permissions

        from .alerts import on_step

        # Imported here because models may not be imported before the app registry is ready.
        from .meetings import may_conclude

        events.subscribe(on_step)
        permissions.register_committee_signer(may_conclude)
