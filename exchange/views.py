from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from exchange.shape import export_poses
from poses.models import Pose
from studio import edge


# Open data: each published pose in the import/export shape (docs/import-export.md).
@csrf_exempt
@require_safe
@edge.tagged("vocabulary")
def pose_json(request: HttpRequest, slug: str) -> JsonResponse:
    poses = Pose.objects.published().filter(slug=slug)
    data = export_poses(poses, public=True)
    if not data["poses"]:
        raise Http404("No published pose with this slug.")
    edge.tag(request, *(f"pose-{pk}" for pk in poses.values_list("pk", flat=True)))
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
