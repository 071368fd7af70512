from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "midstream.reports"
    label = "reports"
