from django.apps import AppConfig
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)


class PosesConfig(AppConfig):
    name = "poses"
    verbose_name = "Pose library"

    def ready(self):
        from poses import fulltext, history, models
        from studio import cache, markdown, ordering

        # What a save does, model by model: nothing here runs for another app's models.
        markdown.render_on_save(self)
        post_save.connect(models.index_saved_pose, sender=models.Pose)
        post_save.connect(models.index_pose_of_step, sender=models.Step)
        post_delete.connect(models.index_pose_of_step, sender=models.Step)
        # What search finds a pose by (poses/search.py): its benefits and tags too.
        post_save.connect(models.index_pose_of_benefit, sender=models.Benefit)
        post_delete.connect(models.index_pose_of_benefit, sender=models.Benefit)
        for relation in (
            models.Pose.pose_types,
            models.Pose.styles,
            models.Pose.stretches,
            models.Pose.strengthens,
        ):
            m2m_changed.connect(models.index_poses_of_changed_tags, sender=relation.through)
            post_save.connect(
                models.index_poses_of_renamed_tag, sender=relation.field.related_model
            )
        ordering.restores_in_place(models.Step, "pose")
        # A link edited anywhere makes forms opened earlier on both its poses stale.
        for link in (models.PoseLink, models.RelatedPose, models.Counterpose):
            pre_save.connect(models.mark_linked_poses_changed, sender=link)
            post_delete.connect(models.mark_linked_poses_changed, sender=link)
        # What a deletion takes from other poses ("instead, try"), kept for its recovery.
        pre_delete.connect(history.remember_poses_pointing_at, sender=models.Pose)
        # SQLite's full-text index lives outside Django's models: a migration that rebuilds
        # the pose table drops its triggers, and this puts them back.
        post_migrate.connect(fulltext.check_index_after_migrate, sender=self)

        # Everything a pose page shows: a change to any of it renews the cached pages.
        cache.publishes(models.Pose)
        cache.shows(
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
            relations=(
                models.Pose.pose_types,
                models.Pose.styles,
                models.Pose.stretches,
                models.Pose.strengthens,
                models.SafetyNote.conditions,
            ),
        )
