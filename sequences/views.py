from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from sequences.audit import audit
from sequences.models import Sequence
from studio import edge
from studio.cache import cached_page
from studio.views import ReadOnlyView


@method_decorator(cached_page(params=("page",)), name="dispatch")
@method_decorator(edge.tagged("sequences"), name="dispatch")
class SequenceListView(ReadOnlyView, ListView):
    context_object_name = "sequences"
    paginate_by = 24

    def get_queryset(self):
        return Sequence.objects.published().for_list()


@method_decorator(cached_page, name="dispatch")
@method_decorator(edge.tagged("sequences", "vocabulary"), name="dispatch")
class SequenceDetailView(ReadOnlyView, DetailView):
    """The class plan; staff also see the audit (they have a session: never cached)."""

    context_object_name = "sequence"

    def get_queryset(self):
        return Sequence.objects.visible_to(self.request.user).for_sequence_page()

    def get_context_data(self, **kwargs):
        tag_sequence_page(self.request, self.object)
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_active and user.is_staff:
            context["findings"] = audit(self.object)
        return context


@method_decorator(cached_page, name="dispatch")
@method_decorator(edge.tagged("sequences", "vocabulary"), name="dispatch")
class SequencePractiseView(ReadOnlyView, DetailView):
    """One pose at a time, with a timer (static/js/practise.js); the whole list without JS."""

    context_object_name = "sequence"
    template_name = "sequences/sequence_practise.html"

    def get_queryset(self):
        return Sequence.objects.visible_to(self.request.user).for_sequence_page()

    def get_context_data(self, **kwargs):
        tag_sequence_page(self.request, self.object)
        return super().get_context_data(**kwargs)


def tag_sequence_page(request, sequence):
    """The sequence and every pose it names: its poses and their substitutes."""
    poses = set()
    for item in sequence.items.all():
        poses.add(item.pose_id)
        poses.update(note.substitute_id for note in item.pose.safety_notes.all())
    poses.discard(None)
    edge.tag(request, f"sequence-{sequence.pk}", *(f"pose-{pk}" for pk in poses))
