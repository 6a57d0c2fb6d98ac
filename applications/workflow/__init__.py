"""The application's workflow, in one place: its states (states.py), who may fire each transition
(permissions.py), the steps and the services that fire them (steps.py, services.py), the audit
record (audit.py; the ReviewRecord model lives in applications.models) and the events it
publishes for whatever reacts from above (events.py: notifications, documents).

The transitions themselves are methods of `applications.models.Application` (django-fsm wants
them on the model); they change fields only and are fired from services.py alone.
"""
