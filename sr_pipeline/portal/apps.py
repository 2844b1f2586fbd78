"""The portal as a Django application (its models, migrations and templates)."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sr_pipeline.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"
