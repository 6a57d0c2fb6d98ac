from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The pages every visitor and role starts from (the public home, the committee directory,
    each role's home) and the demo data: the top of the dependency graph, above every app."""

    name = "home"
    verbose_name = "门户"
