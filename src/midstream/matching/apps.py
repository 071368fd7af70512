from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "midstream.matching"
    label = "matching"
    verbose_name = "Matching: reported resellers and part numbers to the vendor's master"
