from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin

from sequences.audit import audit
from sequences.models import Sequence, SequenceItem
from studio.admin import (
    MARKDOWN_EDITOR,
    ChangesInTeachersWords,
    CountsCharacters,
    PreviewLinkMixin,
)
from studio.durations import format_time
from studio.forms import RefusesStaleSaves
from studio.ordering import REORDER_HINT, OrderedInline, RestoresOrderedChildren


class SequenceItemInline(CountsCharacters, OrderedInline, SortableTabularInline):
    model = SequenceItem
    fields = ("pose", "hold_value", "hold_unit", "side", "cue")
    autocomplete_fields = ("pose",)
    verbose_name_plural = f"Poses — {REORDER_HINT}"


class SequenceAdminForm(RefusesStaleSaves):
    """Two teachers editing one sequence never silently revert each other's edits."""


@admin.register(Sequence)
class SequenceAdmin(
    CountsCharacters,
    ChangesInTeachersWords,
    PreviewLinkMixin,
    RestoresOrderedChildren,
    SortableAdminBase,
    VersionAdmin,
):
    form = SequenceAdminForm
    list_display = ("title", "level", "focus", "status", "published_at", "updated_at")
    list_filter = ("status", "level")
    search_fields = ("title", "focus")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("audit_findings", "preview_link", "created_at", "updated_at")
    save_on_top = True
    formfield_overrides = MARKDOWN_EDITOR
    fieldsets = (
        (None, {"fields": ("title", "slug", ("level", "focus"), "loaded_version")}),
        ("Publishing", {"fields": (("status", "published_at"), "preview_link")}),
        ("Check", {"fields": ("kind", "audit_findings")}),
        ("Notes", {"fields": ("notes",)}),
        ("History", {"fields": (("created_at", "updated_at"),), "classes": ("collapse",)}),
    )
    inlines = (SequenceItemInline,)
    # Reordered items end with bulk updates, which send no signals; the sequence's own save
    # renews the cached pages once, after the commit.
    ordered_children = ("items",)

    @admin.display(description="Sequence check")
    def audit_findings(self, sequence):
        """The audit, as of the last save: what the library knows about these poses."""
        if not sequence.pk:
            return "Save the sequence once to check it against the pose library."
        total = format_time(sequence.total_seconds())
        findings = audit(sequence)
        if not findings:
            return format_html(
                "<p>Total time: {}.</p><p>Nothing to fix: every pose is prepared, "
                "done on both sides for the same time, held within its range, balanced "
                "and at the level of the class.</p>",
                total,
            )
        return format_html(
            '<p>Total time: {}.</p><ul class="sequence-findings">{}</ul>',
            total,
            format_html_join("", "<li>{}</li>", ((str(finding),) for finding in findings)),
        )
