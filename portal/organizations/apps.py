from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "portal.organizations"
    label = "organizations"
    verbose_name = "机构"
