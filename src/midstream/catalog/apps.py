from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "midstream.catalog"
    label = "catalog"
