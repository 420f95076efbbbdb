from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class PosesConfig(AppConfig):
    name = "poses"
    verbose_name = "Pose library"

    def ready(self):
        from poses import cache, fulltext, models

        # SQLite's full-text index lives outside Django's models: a migration that rebuilds
        # the pose table drops its triggers, and this puts them back.
        post_migrate.connect(fulltext.check_index_after_migrate, sender=self)

        # Everything a public page shows: a change to any of it renews the cached pages.
        shown = (
            models.Pose,
            models.Step,
            models.Benefit,
            models.SafetyNote,
            models.PoseLink,
            models.RelatedPose,
            models.Counterpose,
            models.ConditionGuidance,
            models.PoseType,
            models.Style,
            models.BodyArea,
            models.Condition,
            models.Synonym,  # what a search finds
        )
        for model in shown:
            post_save.connect(cache.library_changed, sender=model)
            post_delete.connect(cache.library_changed, sender=model)
        for relation in (
            models.Pose.pose_types,
            models.Pose.styles,
            models.Pose.stretches,
            models.Pose.strengthens,
            models.SafetyNote.conditions,
        ):
            m2m_changed.connect(cache.library_changed, sender=relation.through)
