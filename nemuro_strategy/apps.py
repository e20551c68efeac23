from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NemuroStrategyConfig(AppConfig):
    """The project package as the top layer: the public pages that combine the apps, the public
    page cache, the staff home, and the seed loader, synthetic generator and benchmark."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "nemuro_strategy"
    verbose_name = _("根室市創生総合戦略（サイト）")

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from nemuro_strategy.cache.pages import install_write_watcher

        # Public pages are cached until any write to the data they show (see cache/pages.py).
        connection_created.connect(install_write_watcher, dispatch_uid="public-page-cache")
        for connection in connections.all(initialized_only=True):
            install_write_watcher(None, connection)
