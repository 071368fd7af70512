from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "midstream.sales"
    label = "sales"
