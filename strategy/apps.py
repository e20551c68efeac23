from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "strategy"
    verbose_name = _("総合戦略")
