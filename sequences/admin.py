from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin

from poses.admin import MARKDOWN_EDITOR, object_or_404
from poses.cache import library_changed
from poses.forms import PositionedForm, RenumberingInlineFormSet
from sequences.models import Sequence, SequenceItem, format_time


class SequenceItemInline(SortableTabularInline):
    model = SequenceItem
    form = PositionedForm
    formset = RenumberingInlineFormSet
    fields = ("pose", "hold_value", "hold_unit", "side", "cue")
    autocomplete_fields = ("pose",)
    extra = 0
    verbose_name_plural = "Poses — drag ☰ to reorder"


@admin.register(Sequence)
class SequenceAdmin(SortableAdminBase, VersionAdmin):
    list_display = ("title", "level", "focus", "status", "published_at", "updated_at")
    list_filter = ("status", "level")
    search_fields = ("title", "focus")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("audit_findings", "preview_link", "created_at", "updated_at")
    save_on_top = True
    formfield_overrides = MARKDOWN_EDITOR
    fieldsets = (
        (None, {"fields": ("title", "slug", ("level", "focus"))}),
        ("Publishing", {"fields": (("status", "published_at"), "preview_link")}),
        ("Check", {"fields": ("kind", "audit_findings")}),
        ("Notes", {"fields": ("notes",)}),
        ("History", {"fields": (("created_at", "updated_at"),), "classes": ("collapse",)}),
    )
    inlines = (SequenceItemInline,)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Reordering items ends with bulk updates, which send no signals.
        library_changed()

    def revision_view(self, request, object_id, version_id, extra_context=None):
        sequence = object_or_404(self, request, object_id)
        if not self.has_change_permission(request, sequence):
            raise PermissionDenied
        # A version being restored puts its items back in their old places; move today's
        # items out of the way first. Undone with the rest unless the restore is saved.
        with transaction.atomic():
            SequenceItem.objects.filter(sequence=sequence).update(
                position=F("position") + SequenceItem.PARKING_OFFSET
            )
            response = super().revision_view(request, object_id, version_id, extra_context)
            if response.status_code != 302:
                transaction.set_rollback(True)
        return response

    @admin.display(description="Sequence check")
    def audit_findings(self, sequence):
        """The audit, as of the last save: what the library knows about these poses."""
        if not sequence.pk:
            return "Save the sequence once to check it against the pose library."
        total = format_time(sequence.total_seconds())
        findings = sequence.audit()
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

    @admin.display(description="Preview")
    def preview_link(self, sequence):
        if not sequence.pk:
            return "Save the sequence once to preview it."
        label = "View on site" if sequence.is_published else "Preview this draft (staff only)"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            sequence.get_absolute_url(),
            label,
        )
