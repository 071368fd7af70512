from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "midstream.ingest"
    label = "ingest"
    verbose_name = "Ingest: distributor reports (sell-through, inventory)"
