from django.apps import AppConfig


class SequencesConfig(AppConfig):
    name = "sequences"
    verbose_name = "Class sequences"

    def ready(self):
        from sequences import models
        from studio import cache, markdown, ordering

        markdown.render_on_save(self)
        ordering.restores_in_place(models.SequenceItem, "sequence")
        # Sequence pages are cached like pose pages: a change renews every cached page.
        cache.publishes(models.Sequence)
        cache.shows(models.SequenceItem)
