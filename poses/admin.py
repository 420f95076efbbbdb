from datetime import timedelta
from urllib.parse import urlencode

import reversion
from adminsortable2.admin import SortableAdminBase, SortableStackedInline, SortableTabularInline
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin
from reversion.models import Version

from poses.browse import Browse
from poses.figure_admin import FIGURE_FIELD, FIGURE_HELP, FigureAdminMixin
from poses.forms import PoseAdminForm
from poses.history import compare, point_back_at
from poses.mistakes import dismiss, mistakes_after_save, undismissed_mistakes
from poses.models import (
    SAFETY_REVIEW_DAYS,
    Benefit,
    BodyArea,
    Condition,
    ConditionGuidance,
    Counterpose,
    DismissedWarning,
    Pose,
    PoseLink,
    PoseType,
    RelatedPose,
    SafetyNote,
    SearchKey,
    SearchMiss,
    Step,
    Style,
    Synonym,
    link_partners,
    mark_poses_changed,
)
from poses.safety import benefit_conflicts
from poses.validators import validate_name
from studio.admin import (
    MARKDOWN_EDITOR,
    ChangesInTeachersWords,
    CountsCharacters,
    DeletePageInTeachersWords,
    ImageWithThumbnail,
    PreviewLinkMixin,
    ShowsEveryError,
    object_or_404,
)
from studio.images import CleanImageField
from studio.ordering import REORDER_HINT, OrderedInline, RestoresOrderedChildren


@admin.register(Synonym)
class SynonymAdmin(CountsCharacters, admin.ModelAdmin):
    """Words students search for, and what the library says instead (plough → plow)."""

    list_display = ("words", "alternatives")
    search_fields = ("words", "alternatives")


@admin.register(ConditionGuidance)
class ConditionGuidanceAdmin(CountsCharacters, admin.ModelAdmin):
    """Guidance for a condition that every pose of a type carries, unless the pose has its own
    note for that condition."""

    list_display = ("condition", "pose_type", "kind", "substitute", "pose_count")
    list_filter = ("kind", "condition", "pose_type")
    search_fields = ("condition__name", "pose_type__name", "text")
    autocomplete_fields = ("condition", "pose_type", "substitute")
    list_select_related = ("condition", "pose_type", "substitute")
    fields = (("condition", "pose_type"), "kind", "text", "substitute")
    formfield_overrides = MARKDOWN_EDITOR

    @admin.display(description="poses of this type")
    def pose_count(self, guidance):
        return guidance.pose_type.poses.count()


class SafetyReviewFilter(admin.SimpleListFilter):
    title = "safety review"
    parameter_name = "safety_review"

    def lookups(self, request, model_admin):
        return (
            ("due", "Due: never, or over a year ago"),
            ("done", "Reviewed within a year"),
        )

    def queryset(self, request, queryset):
        cutoff = timezone.localdate() - timedelta(days=SAFETY_REVIEW_DAYS)
        due = Q(safety_reviewed_at__isnull=True) | Q(safety_reviewed_at__lt=cutoff)
        if self.value() == "due":
            return queryset.filter(due)
        if self.value() == "done":
            return queryset.exclude(due)
        return queryset


class VocabularyAdmin(CountsCharacters, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(PoseType)
class PoseTypeAdmin(VocabularyAdmin):
    list_display = ("name", "label", "slug")

    @admin.display(description="shown to students as")
    def label(self, pose_type):
        return pose_type.label


admin.site.register(Style, VocabularyAdmin)
admin.site.register(BodyArea, VocabularyAdmin)


@admin.register(Condition)
class ConditionAdmin(VocabularyAdmin):
    fields = ("name", "slug", "claim_words")


class StepInline(CountsCharacters, OrderedInline, SortableStackedInline):
    model = Step
    fields = ("title", "instruction", ("breath_cue", "side"), "figure")
    formfield_overrides = {**OrderedInline.formfield_overrides, **FIGURE_FIELD}
    verbose_name = "step"
    verbose_name_plural = f"Steps — {REORDER_HINT}"


class BenefitInline(CountsCharacters, OrderedInline, SortableTabularInline):
    model = Benefit
    fields = ("text", "kind")
    verbose_name_plural = f"Benefits — {REORDER_HINT}"


class SafetyNoteInline(CountsCharacters, OrderedInline, SortableStackedInline):
    model = SafetyNote
    fk_name = "pose"
    fields = (("kind", "conditions"), "text", ("substitute", "no_substitute"))
    autocomplete_fields = ("conditions", "substitute")
    verbose_name_plural = "Precautions"


class PreparatoryLinkInline(CountsCharacters, OrderedInline, SortableTabularInline):
    model = PoseLink
    fk_name = "follow_up"
    ordering = ("position_among_preparatory",)
    fields = ("preparatory", "reason")
    autocomplete_fields = ("preparatory",)
    verbose_name = "preparatory pose"
    verbose_name_plural = "Preparatory poses — practised before this one"


class FollowUpLinkInline(CountsCharacters, OrderedInline, SortableTabularInline):
    model = PoseLink
    fk_name = "preparatory"
    ordering = ("position_among_follow_ups",)
    fields = ("follow_up", "reason")
    autocomplete_fields = ("follow_up",)
    verbose_name = "follow-up pose"
    verbose_name_plural = "Follow-up poses — this one prepares for them"


class CounterposeInline(CountsCharacters, OrderedInline, SortableTabularInline):
    model = Counterpose
    fk_name = "pose"
    fields = ("counterpose", "reason")
    autocomplete_fields = ("counterpose",)
    verbose_name = "counterpose"
    verbose_name_plural = (
        "Counterposes — practised after this one to balance it (one direction only)"
    )


class RelatedPoseInline(CountsCharacters, admin.TabularInline):
    model = RelatedPose
    form = ShowsEveryError
    fk_name = "pose"
    fields = ("related", "kind")
    autocomplete_fields = ("related",)
    extra = 0
    verbose_name_plural = "Variations and alternatives — shown on both poses' pages"


def with_article(noun):
    """“a variation”, “an alternative”: the article as the word is written (not spoken)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


class LinkPosesForm(forms.Form):
    """What the bulk action adds to every selected pose."""

    RELATIONS = {
        "prepared_by": "is prepared by (a preparatory pose)",
        "prepares_for": "prepares for (a follow-up pose)",
        "counterpose": "is balanced by (a counterpose practised after it)",
        **{
            kind: f"is related to, as {with_article(label.lower())}"
            for kind, label in RelatedPose.Kind.choices
        },
    }

    relation = forms.ChoiceField(choices=RELATIONS.items(), label="Each selected pose")
    other = forms.ModelChoiceField(
        Pose.objects.all(),
        label="this pose",
        # Any foreign key to Pose gives the picker the pose admin's search-as-you-type.
        widget=AutocompleteSelect(Pose._meta.get_field("starting_position"), admin.site),
        help_text="Type a few letters of the pose's name.",
    )
    reason = forms.CharField(
        max_length=160,
        required=False,
        help_text="Optional, one line, for a preparatory, follow-up or counterpose link "
        "(“Opens the hamstrings”). Variations and alternatives have none.",
    )


def version_or_404(versions, version_id):
    try:
        return versions.get(pk=int(version_id))
    except (TypeError, ValueError, OverflowError, Version.DoesNotExist) as error:
        raise Http404("No such version.") from error


class RowsBeyondPermission:
    """The rows of a pose's inlines that a user may not add, change or delete (a teacher's
    links), as they are before a version is restored or a pose recovered, so that they can
    be put back as they were: what the admin's forms forbid, history must not do either."""

    reason = "your account may not change them."

    def __init__(self, model_admin, request, pose_id):
        self.lists = []
        for inline_class in model_admin.inlines:
            inline = inline_class(model_admin.model, model_admin.admin_site)
            if not (
                inline.has_add_permission(request, None)
                and inline.has_change_permission(request)
                and inline.has_delete_permission(request)
            ):
                fk_name = inline.fk_name or next(
                    field.name
                    for field in inline.model._meta.fields
                    if field.is_relation and field.related_model is model_admin.model
                )
                rows = inline.model._base_manager.filter(**{f"{fk_name}_id": pose_id})
                self.lists.append((inline, rows, list(rows)))

    def __bool__(self):
        return bool(self.lists)

    def __str__(self):
        return ", ".join(
            str(inline.verbose_name_plural).split(" —")[0].lower() for inline, _, _ in self.lists
        )

    def put_back(self):
        """Within the restore's revision, which then records them as they are."""
        for _, rows, before in self.lists:
            rows.delete()
            rows.model._base_manager.bulk_create(before)
            for row in before:
                reversion.add_to_revision(row)


@admin.register(Pose)
class PoseAdmin(
    CountsCharacters,
    ChangesInTeachersWords,
    DeletePageInTeachersWords,
    FigureAdminMixin,
    PreviewLinkMixin,
    RestoresOrderedChildren,
    SortableAdminBase,
    VersionAdmin,
):
    form = PoseAdminForm
    ordered_children = ("steps",)
    internal_models = (SearchKey, DismissedWarning)
    object_history_template = "admin/poses/pose/object_history.html"
    actions = ("link_poses",)
    list_display = (
        "sanskrit_name",
        "english_name",
        "level",
        "status",
        "published_at",
        "safety_reviewed_at",
        "updated_at",
    )
    list_filter = ("status", SafetyReviewFilter, "level", "pose_types", "styles")
    search_fields = ("sanskrit_name", "english_name", "other_names")
    prepopulated_fields = {"slug": ("sanskrit_name",)}
    autocomplete_fields = ("pose_types", "styles", "stretches", "strengthens", "starting_position")
    readonly_fields = (
        "preview_link",
        "created_at",
        "updated_at",
        "safety_reviewed_at",
        "safety_reviewed_by",
        "safety_check",
    )
    ordering = ("sanskrit_name",)
    save_on_top = True
    formfield_overrides = {
        **MARKDOWN_EDITOR,
        **FIGURE_FIELD,
        models.ImageField: {
            "form_class": CleanImageField,
            "widget": ImageWithThumbnail(rendition="image_small_jpeg", alt_field="image_alt"),
        },
    }
    fieldsets = (
        (None, {"fields": ("sanskrit_name", "english_name", "slug", "summary", "loaded_version")}),
        ("Publishing", {"fields": (("status", "published_at"), "preview_link")}),
        (
            "Basics",
            {
                "fields": (
                    "pronunciation",
                    "meaning",
                    "other_names",
                    ("level", "pose_types", "styles"),
                    "starting_position",
                    ("stretches", "strengthens"),
                    ("hold_min_seconds", "hold_max_seconds"),
                )
            },
        ),
        ("Image", {"fields": ("image", "image_alt")}),
        ("Figure", {"fields": ("figure",), "description": FIGURE_HELP}),
        (
            "Safety review",
            {
                "fields": (
                    "safety_check",
                    ("safety_reviewed_at", "safety_reviewed_by"),
                    "mark_safety_reviewed",
                ),
                "description": "Precautions are the notes below and the studio's guidance for "
                "this pose's types (Pose library › Guidance for kinds of pose).",
            },
        ),
        ("Text", {"fields": ("introduction", "practice_time", "closing_notes")}),
        ("History", {"fields": (("created_at", "updated_at"),), "classes": ("collapse",)}),
    )
    inlines = (
        StepInline,
        BenefitInline,
        SafetyNoteInline,
        PreparatoryLinkInline,
        FollowUpLinkInline,
        CounterposeInline,
        RelatedPoseInline,
    )

    class Media:
        js = ("js/admin-editor.js", "js/character-count.js", "js/likely-mistakes.js")
        css = {"all": ("css/editor-aids.css",)}

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("mark_safety_reviewed"):
            obj.safety_reviewed_at = timezone.localdate()
            obj.safety_reviewed_by = request.user.get_full_name() or request.user.get_username()
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        if form.cleaned_data.get("mark_safety_reviewed"):
            message = message.replace("Saved without changes.", "") + " Safety content reviewed."
        return message.strip()

    def save_related(self, request, form, formsets, change):
        # Reordered steps end with bulk updates, which send no signals; the pose's own save
        # has already asked for one re-index and one cache renewal after the commit.
        super().save_related(request, form, formsets, change)
        for conflict in benefit_conflicts(form.instance):
            self.message_user(request, conflict, messages.WARNING)
        mistakes = mistakes_after_save(form.instance)
        if mistakes and "_continue" in request.POST:
            # The page it returns to lists them, each with its Dismiss button.
            self.message_user(
                request,
                f"Saved. Please check {len(mistakes)} possible mistake"
                f"{'s' if len(mistakes) != 1 else ''}, listed under “Please check” below.",
                messages.WARNING,
            )
        else:
            for mistake in mistakes:
                self.message_user(
                    request, f"Please check (saved anyway): {mistake.message}", messages.WARNING
                )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pose = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {})}
        if pose is not None and self.has_view_or_change_permission(request, pose):
            context["likely_mistakes"] = undismissed_mistakes(pose)
            context["can_dismiss"] = self.has_change_permission(request, pose)
        return super().change_view(request, object_id, form_url, context)

    def dismiss_warning_view(self, request, object_id):
        """Dismiss one warning about a likely mistake: it stays hidden until what it is
        about changes. Asked by js/likely-mistakes.js for JSON (the form's unsaved edits
        stay in the page), or by a plain form, which returns to the pose."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        pose = object_or_404(self, request, object_id)
        if not self.has_change_permission(request, pose):
            raise PermissionDenied
        mistake = dismiss(
            pose, request.POST.get("kind", ""), request.POST.get("fingerprint", ""), request.user
        )
        if request.accepts("application/json") and not request.accepts("text/html"):
            return JsonResponse({"dismissed": mistake is not None})
        if mistake:
            self.message_user(
                request,
                f"Dismissed: {mistake.message} It comes back if what it is about changes.",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, "That warning no longer applies: the pose has changed.")
        return HttpResponseRedirect(reverse("admin:poses_pose_change", args=[pose.pk]))

    @admin.display(description="Safety check")
    def safety_check(self, pose):
        if not pose.pk:
            return "Checked when the pose is saved."
        conflicts = benefit_conflicts(pose)
        if not conflicts:
            return "No benefit claims to help a condition this pose's notes say to avoid."
        return format_html_join(
            "", '<p class="errornote">{}</p>', ((conflict,) for conflict in conflicts)
        )

    def get_urls(self):
        compare_view = self.admin_site.admin_view(self.compare_view)
        dismiss_view = self.admin_site.admin_view(self.dismiss_warning_view)
        return [
            path("<path:object_id>/history/compare/", compare_view, name="poses_pose_compare"),
            path(
                "<path:object_id>/dismiss-warning/",
                dismiss_view,
                name="poses_pose_dismiss_warning",
            ),
            *super().get_urls(),
        ]

    def compare_view(self, request, object_id):
        """Two saved versions of a pose, line by line."""
        pose = object_or_404(self, request, object_id)
        if not self.has_view_or_change_permission(request, pose):
            raise PermissionDenied
        versions = Version.objects.get_for_object(pose).select_related("revision__user")
        older = version_or_404(versions, request.GET.get("older"))
        newer = version_or_404(versions, request.GET.get("newer"))
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": pose,
            "title": f"Compare two versions of {pose.sanskrit_name}",
            "older": older,
            "newer": newer,
            "lines": compare(older, newer),
        }
        return TemplateResponse(request, "admin/poses/pose/compare.html", context)

    def history_view(self, request, object_id, extra_context=None):
        versions = Version.objects.get_for_object_reference(Pose, unquote(object_id))
        context = {"versions": versions.select_related("revision__user"), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restoring a version restores what the user may change: lists of rows they may not
        add, change or delete (a teacher's links) stay as they are now."""
        pose = object_or_404(self, request, object_id)
        kept = RowsBeyondPermission(self, request, pose.pk)
        if kept and request.method == "GET":
            messages.info(request, f"Restoring keeps {kept}: {kept.reason}")
        partners_before = link_partners(pose.pk)
        with transaction.atomic(), reversion.create_revision():
            response = super().revision_view(request, object_id, version_id, extra_context)
            if response.status_code == 302:
                kept.put_back()
                # Links written back change the pages of the poses at their other end too.
                mark_poses_changed(partners_before | link_partners(pose.pk))
        return response

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted pose comes back as a draft, to be checked before it is public again,
        and without the rows the user may not add (a teacher's links)."""
        try:
            pose_id = int(Version.objects.get_deleted(Pose).get(pk=int(version_id)).object_id)
        except (ValueError, OverflowError, Version.DoesNotExist) as error:
            raise Http404("No deleted pose has this version.") from error
        kept = RowsBeyondPermission(self, request, pose_id)
        if request.method == "GET":
            without = f" It comes back without {kept}: {kept.reason}" if kept else ""
            messages.info(
                request,
                f"A recovered pose comes back as a draft: check it, then publish it.{without}",
            )
        with transaction.atomic(), reversion.create_revision():
            response = super().recover_view(request, version_id, extra_context)
            if response.status_code == 302:
                kept.put_back()
                mark_poses_changed(link_partners(pose_id))
                pose = Pose.objects.get(pk=pose_id)
                not_back = point_back_at(pose, request.user)
                if not_back:
                    messages.warning(
                        request,
                        f"{len(not_back)} other pose(s) suggested {pose.sanskrit_name} "
                        "instead of another pose, or started from it, before it was deleted; "
                        "your account may not change them, so they still do not.",
                    )
                if pose.status != Pose.Status.DRAFT:
                    pose.status = Pose.Status.DRAFT
                    pose.save()
        return response

    def has_link_permission(self, request):
        return request.user.has_perms(
            ["poses.add_poselink", "poses.add_relatedpose", "poses.add_counterpose"]
        )

    @admin.action(description="Link the selected poses to another pose…", permissions=["link"])
    def link_poses(self, request, queryset):
        form = LinkPosesForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            added = self.add_links(queryset, **form.cleaned_data)
            self.message_user(
                request,
                f"Added {added} link{'s' if added != 1 else ''}; "
                f"{queryset.count() - added} pose(s) already had it or are the pose itself.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Link poses",
            "form": form,
            # The form laid out as the admin's own forms are: labels, help, errors per row.
            "adminform": admin.helpers.AdminForm(
                form, [(None, {"fields": list(form.fields)})], {}, model_admin=self
            ),
            "media": self.media + form.media,
            "poses": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/poses/pose/link_poses.html", context)

    @staticmethod
    @transaction.atomic
    def add_links(poses, relation, other, reason):
        added = 0
        for pose in poses.exclude(pk=other.pk):
            if relation == "prepared_by":
                _, created = PoseLink.objects.get_or_create(
                    preparatory=other, follow_up=pose, defaults={"reason": reason}
                )
            elif relation == "prepares_for":
                _, created = PoseLink.objects.get_or_create(
                    preparatory=pose, follow_up=other, defaults={"reason": reason}
                )
            elif relation == "counterpose":
                _, created = Counterpose.objects.get_or_create(
                    pose=pose, counterpose=other, defaults={"reason": reason}
                )
            else:
                _, created = RelatedPose.objects.get_or_create(
                    pose=pose, related=other, defaults={"kind": relation}
                )
            added += created
        return added


@admin.register(PoseLink)
class PoseLinkAdmin(CountsCharacters, VersionAdmin):
    """Links on their own, for studio staff who link poses without editing them."""

    list_display = ("preparatory", "follow_up", "reason")
    fields = ("preparatory", "follow_up", "reason")
    search_fields = ("preparatory__sanskrit_name", "follow_up__sanskrit_name", "reason")
    autocomplete_fields = ("preparatory", "follow_up")
    list_select_related = ("preparatory", "follow_up")


@admin.register(RelatedPose)
class RelatedPoseAdmin(CountsCharacters, VersionAdmin):
    list_display = ("pose", "related", "kind")
    list_filter = ("kind",)
    search_fields = ("pose__sanskrit_name", "related__sanskrit_name")
    autocomplete_fields = ("pose", "related")
    list_select_related = ("pose", "related")


@admin.register(Counterpose)
class CounterposeAdmin(CountsCharacters, VersionAdmin):
    """Counterposes point one way: the second pose balances the first, not the reverse."""

    list_display = ("pose", "counterpose", "reason")
    fields = ("pose", "counterpose", "reason")
    search_fields = ("pose__sanskrit_name", "counterpose__sanskrit_name")
    autocomplete_fields = ("pose", "counterpose")
    list_select_related = ("pose", "counterpose")


class SearchMissStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return (("open", "Not fixed yet"), ("fixed", "Fixed"))

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "fixed":
            return queryset.exclude(resolved_at=None)
        return queryset


class OtherNameForm(forms.Form):
    pose = forms.ModelChoiceField(
        Pose.objects.all(),
        # Any foreign key to Pose gives the picker the pose admin's search-as-you-type.
        widget=AutocompleteSelect(Pose._meta.get_field("starting_position"), admin.site),
        help_text="Type a few letters of the pose's name.",
    )
    name = forms.CharField(
        label="add this other name",
        max_length=Pose._meta.get_field("english_name").max_length,
        validators=[validate_name],
        help_text="As students should see it on the pose's page; change its capitals if you like.",
    )


class SynonymFromMissForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ("words", "alternatives")


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    """What students searched for and found nothing, or left without opening a result, most
    frequent first, with the two fixes: another name of a pose, or a synonym. Read-only
    otherwise: misses are only counted."""

    list_display = ("query", "kind", "count", "first_seen_on", "last_seen_on")
    list_filter = (SearchMissStatusFilter, "kind")
    search_fields = ("query",)

    @admin.display(description="first seen", ordering="first_seen")
    def first_seen_on(self, miss):
        return date_format(timezone.localtime(miss.first_seen), "j M Y")

    @admin.display(description="last seen", ordering="last_seen")
    def last_seen_on(self, miss):
        return date_format(timezone.localtime(miss.last_seen), "j M Y")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def can_add_other_name(self, request, pose=None):
        return self.admin_site._registry[Pose].has_change_permission(request, pose)

    def can_add_synonym(self, request):
        return self.admin_site._registry[Synonym].has_add_permission(request)

    def get_list_display(self, request):
        can_name = self.can_add_other_name(request)
        can_add_synonym = self.can_add_synonym(request)

        @admin.display(description="fix")
        def fix(miss):
            if miss.resolved_at:
                return f"Fixed: {miss.resolution}"
            links = []
            if can_name:
                links.append(("other_name", "Add as another name of a pose…"))
            if can_add_synonym:
                links.append(("synonym", "Add as a synonym…"))
            return format_html_join(
                " · ",
                '<a href="{}">{}</a>',
                (
                    (reverse(f"admin:poses_searchmiss_{fix}", args=[miss.pk]), label)
                    for fix, label in links
                ),
            )

        query, kind, count, *seen = self.list_display
        return (query, kind, count, fix, *seen)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/other-name/",
                view(self.other_name_view),
                name="poses_searchmiss_other_name",
            ),
            path(
                "<path:object_id>/synonym/",
                view(self.synonym_view),
                name="poses_searchmiss_synonym",
            ),
            *super().get_urls(),
        ]

    def open_miss(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        miss = object_or_404(self, request, object_id)
        if miss.resolved_at:
            self.message_user(request, f"“{miss.query}” is fixed already: {miss.resolution}.")
        return miss

    def back_to_list(self):
        return HttpResponseRedirect(reverse("admin:poses_searchmiss_changelist"))

    def other_name_view(self, request, object_id):
        miss = self.open_miss(request, object_id)
        if not self.can_add_other_name(request):
            raise PermissionDenied
        if miss.resolved_at:
            return self.back_to_list()
        form = OtherNameForm(request.POST or None, initial={"name": miss.query})
        if form.is_valid():
            pose, name = form.cleaned_data["pose"], form.cleaned_data["name"].strip()
            if not self.can_add_other_name(request, pose):
                raise PermissionDenied
            pose.other_names = "\n".join([*pose.other_names_list(), name])
            try:
                pose.clean_fields(
                    exclude=[f.name for f in Pose._meta.fields if f.name != "other_names"]
                )
            except ValidationError as error:
                form.add_error("name", error.message_dict["other_names"])
            else:
                with transaction.atomic(), reversion.create_revision():
                    reversion.set_user(request.user)
                    reversion.set_comment(
                        f"Added the other name “{name}” (a search that found nothing)."
                    )
                    pose.save()
                    SearchMiss.objects.resolve(
                        miss.query, f"added as another name of {pose.sanskrit_name}"
                    )
                self.message_user(
                    request,
                    format_html(
                        "“{}” is now another name of <a href='{}'>{}</a>: "
                        "a search for it finds the pose.",
                        name,
                        reverse("admin:poses_pose_change", args=[pose.pk]),
                        pose.sanskrit_name,
                    ),
                    messages.SUCCESS,
                )
                return self.back_to_list()
        return self.fix_page(request, miss, form, "Add as another name of a pose")

    def synonym_view(self, request, object_id):
        miss = self.open_miss(request, object_id)
        if not self.can_add_synonym(request):
            raise PermissionDenied
        if miss.resolved_at:
            return self.back_to_list()
        form = SynonymFromMissForm(request.POST or None, initial={"words": miss.query})
        if form.is_valid():
            synonym = form.save()
            if Browse.from_query_dict(QueryDict(urlencode({"q": miss.query}))).poses().exists():
                SearchMiss.objects.resolve(miss.query, f"synonym {synonym}")
                self.message_user(
                    request,
                    f"Added the synonym {synonym}: a search for “{miss.query}” finds poses now.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    f"Added the synonym {synonym}, but a search for “{miss.query}” still finds "
                    "nothing: the library may not use those words. The search stays on this list; "
                    "edit the synonym under Synonyms.",
                    messages.WARNING,
                )
            return self.back_to_list()
        return self.fix_page(request, miss, form, "Add as a synonym")

    def fix_page(self, request, miss, form, title):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "miss": miss,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/poses/searchmiss/fix.html", context)
