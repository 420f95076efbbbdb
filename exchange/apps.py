from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Import, export and open data: poses as JSON. Listed after `poses` in INSTALLED_APPS,
    it adds its page and action to the pose admin (exchange/admin.py); remove it from
    INSTALLED_APPS and the site has neither, nor /poses/<slug>.json."""

    name = "exchange"
    verbose_name = "Import and export"
