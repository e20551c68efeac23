from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "strategy"
    verbose_name = _("総合戦略")

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from nemuro_strategy.page_cache import install_write_watcher

        # Public pages are cached until any write to the data they show (see page_cache).
        connection_created.connect(install_write_watcher, dispatch_uid="public-page-cache")
        for connection in connections.all(initialized_only=True):
            install_write_watcher(None, connection)
