from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SequencesConfig(AppConfig):
    name = "sequences"
    verbose_name = "Class sequences"

    def ready(self):
        from poses.cache import library_changed
        from sequences import models

        # Sequence pages are cached like pose pages: a change renews every cached page.
        for model in (models.Sequence, models.SequenceItem):
            post_save.connect(library_changed, sender=model)
            post_delete.connect(library_changed, sender=model)
