"""Admin widgets that survive tampered input."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple


def _valid_keys(widget, values):
    """Only the submitted values the target's primary key accepts (a form re-shown with "abc" in
    an autocomplete field otherwise queries pk__in=["abc"] and fails with a ValueError, a 500)."""
    field = widget.field.remote_field.model._meta.pk
    valid = []
    for value in values:
        try:
            field.to_python(value)
        except Exception:  # noqa: BLE001 - any value the key field refuses is dropped
            continue
        valid.append(value)
    return valid


class SafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _valid_keys(self, value), attr)


class SafeAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _valid_keys(self, value), attr)


class SafeAutocompleteMixin:
    """For ModelAdmins and inlines with autocomplete_fields."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
