from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "统计分析"

    def ready(self):
        # Imported here because models may not be imported before the app registry is ready.
        from . import calendar

        calendar.connect()
