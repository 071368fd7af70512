from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "midstream.network"
    label = "network"
