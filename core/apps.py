from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Kith"

    def ready(self) -> None:
        # The <id:...> converter must be known before any address list is read.
        import core.ids  # noqa: F401
