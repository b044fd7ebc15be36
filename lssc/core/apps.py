from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lssc.core"
    label = "core"
    verbose_name = "Core"
