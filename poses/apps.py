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
        from studio import cache, edge, markdown, ordering

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
        # A student's own guidance on a cached page is rendered from these.
        cache.loads(models.Pose, lambda ids: models.Pose.objects.filter(pk__in=ids).for_guidance())

        # The edge cache (studio/edge.py): which tagged pages a change purges, after the
        # commit. After the page cache's receivers, so its pages are renewed first and a
        # purged page is rendered afresh.
        edge.keyed(models.Pose, "pose", "poses")
        edge.purges(models.Pose, keys=pages_showing)
        for model in (models.Step, models.Benefit, models.SafetyNote):
            # What a search or a "safe for" filter finds changes too.
            edge.purges(model, via=("pose",), also=("poses",))
        edge.purges(models.PoseLink, via=("preparatory", "follow_up"))
        edge.purges(models.Counterpose, via=("pose", "counterpose"))
        edge.purges(models.RelatedPose, via=("pose", "related"))
        edge.purges(models.Synonym, also=("poses",))
        for model in (
            models.PoseType,
            models.Style,
            models.BodyArea,
            models.Condition,
            models.ConditionGuidance,
        ):
            edge.purges(model, also=("vocabulary", "poses"))
        for relation in (
            models.Pose.pose_types,
            models.Pose.styles,
            models.Pose.stretches,
            models.Pose.strengthens,
            models.SafetyNote.conditions,
        ):
            edge.purges_relation(relation)


def pages_showing(pose):
    """Keys of the pose pages that name `pose` (and "vocabulary" if guidance offers it as a
    substitute): a pose just published joins pages that did not list it yet. (A page that
    already names it carries its key.)"""
    from poses import models

    if not pose.is_published:
        return set()

    showing = {
        *models.PoseLink.objects.filter(follow_up=pose).values_list("preparatory", flat=True),
        *models.PoseLink.objects.filter(preparatory=pose).values_list("follow_up", flat=True),
        *models.Counterpose.objects.filter(counterpose=pose).values_list("pose", flat=True),
        *models.RelatedPose.objects.filter(related=pose).values_list("pose", flat=True),
        *models.SafetyNote.objects.filter(substitute=pose).values_list("pose", flat=True),
        *models.Pose.objects.filter(starting_position=pose).values_list("pk", flat=True),
    }
    keys = {f"pose-{pk}" for pk in showing}
    if models.ConditionGuidance.objects.filter(substitute=pose).exists():
        keys.add("vocabulary")
    return keys
