from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "midstream.compliance"
    label = "compliance"
    verbose_name = "Compliance: expected reports, their status, reminders"
