from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "midstream.core"
    label = "core"
    verbose_name = "Core: money, fiscal calendar, audit"
