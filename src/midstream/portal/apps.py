from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "midstream.portal"
    label = "portal"
