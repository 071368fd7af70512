from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "midstream.agreements"
    label = "agreements"
