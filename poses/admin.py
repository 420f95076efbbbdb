from adminsortable2.admin import SortableAdminBase, SortableStackedInline, SortableTabularInline
from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from poses.cache import library_changed
from poses.forms import PositionedForm, RenumberingInlineFormSet
from poses.images import CleanImageField
from poses.models import (
    Benefit,
    BodyArea,
    Condition,
    Pose,
    PoseLink,
    PoseType,
    RelatedPose,
    SafetyNote,
    Step,
    Style,
)


class VocabularyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


admin.site.register(PoseType, VocabularyAdmin)
admin.site.register(Style, VocabularyAdmin)
admin.site.register(BodyArea, VocabularyAdmin)
admin.site.register(Condition, VocabularyAdmin)


# Every Markdown field gets the editor with its live, sanitised preview; inline rows get a
# shorter box so a pose's eight steps fit on a screen or two.
MARKDOWN_EDITOR = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
SHORT_MARKDOWN_EDITOR = {MarkdownxField: {"widget": AdminMarkdownxWidget(attrs={"rows": 4})}}


class OrderedInline:
    formfield_overrides = SHORT_MARKDOWN_EDITOR
    form = PositionedForm
    formset = RenumberingInlineFormSet
    extra = 0


class StepInline(OrderedInline, SortableStackedInline):
    model = Step
    fields = ("title", "instruction", ("breath_cue", "side"))
    verbose_name = "step"
    verbose_name_plural = "Steps — drag ☰ to reorder"


class BenefitInline(OrderedInline, SortableTabularInline):
    model = Benefit
    fields = ("text",)
    verbose_name_plural = "Benefits — drag to reorder"


class SafetyNoteInline(OrderedInline, SortableStackedInline):
    model = SafetyNote
    fk_name = "pose"
    fields = (("kind", "conditions"), "text", "substitute")
    autocomplete_fields = ("conditions", "substitute")
    verbose_name_plural = "Precautions"


class PreparatoryLinkInline(OrderedInline, SortableTabularInline):
    model = PoseLink
    fk_name = "follow_up"
    fields = ("preparatory", "reason")
    autocomplete_fields = ("preparatory",)
    verbose_name = "preparatory pose"
    verbose_name_plural = "Preparatory poses — practised before this one"


class FollowUpLinkInline(OrderedInline, SortableTabularInline):
    model = PoseLink
    fk_name = "preparatory"
    fields = ("follow_up", "reason")
    autocomplete_fields = ("follow_up",)
    verbose_name = "follow-up pose"
    verbose_name_plural = "Follow-up poses — this one prepares for them"


class RelatedPoseInline(admin.TabularInline):
    model = RelatedPose
    fk_name = "pose"
    fields = ("related", "kind")
    autocomplete_fields = ("related",)
    extra = 0
    verbose_name_plural = "Related poses — shown on both poses' pages"


@admin.register(Pose)
class PoseAdmin(SortableAdminBase, admin.ModelAdmin):
    list_display = (
        "sanskrit_name",
        "english_name",
        "level",
        "status",
        "published_at",
        "updated_at",
    )
    list_filter = ("status", "level", "pose_types", "styles")
    search_fields = ("sanskrit_name", "english_name", "other_names")
    prepopulated_fields = {"slug": ("sanskrit_name",)}
    autocomplete_fields = ("pose_types", "styles", "stretches", "strengthens")
    readonly_fields = ("preview_link", "created_at", "updated_at")
    ordering = ("sanskrit_name",)
    save_on_top = True
    formfield_overrides = {**MARKDOWN_EDITOR, models.ImageField: {"form_class": CleanImageField}}
    fieldsets = (
        (None, {"fields": ("sanskrit_name", "english_name", "slug", "summary")}),
        ("Publishing", {"fields": (("status", "published_at"), "preview_link")}),
        (
            "Basics",
            {
                "fields": (
                    "pronunciation",
                    "meaning",
                    "other_names",
                    ("level", "pose_types", "styles"),
                    ("stretches", "strengthens"),
                    ("hold_min_seconds", "hold_max_seconds"),
                )
            },
        ),
        ("Image", {"fields": ("image", "image_alt")}),
        ("Text", {"fields": ("introduction", "practice_time", "closing_notes")}),
        ("History", {"fields": (("created_at", "updated_at"),), "classes": ("collapse",)}),
    )
    inlines = (
        StepInline,
        BenefitInline,
        SafetyNoteInline,
        PreparatoryLinkInline,
        FollowUpLinkInline,
        RelatedPoseInline,
    )

    class Media:
        js = ("js/admin-editor.js",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Reordering steps ends with bulk updates, which send no signals.
        library_changed()

    @admin.display(description="Preview")
    def preview_link(self, pose):
        if not pose.pk:
            return "Save the pose once to preview it."
        label = "View on site" if pose.is_published else "Preview this draft (staff only)"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', pose.get_absolute_url(), label
        )
