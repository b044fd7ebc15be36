from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "lssc.program"
    label = "program"
    verbose_name = "Program framework and rules"
