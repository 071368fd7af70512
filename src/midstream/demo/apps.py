from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "midstream.demo"
    label = "demo"
    verbose_name = "Demo data generator"
