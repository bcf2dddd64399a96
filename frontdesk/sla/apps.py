from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "frontdesk.sla"
    label = "sla"
    verbose_name = "Service levels"
