from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "midstream.partners"
    label = "partners"
