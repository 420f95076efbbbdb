"""The two roles every install has, as groups: teachers write poses, studio staff link them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

POSE_CONTENT = ("pose", "step", "benefit", "safetynote")
VOCABULARY = ("posetype", "style", "bodyarea", "condition")
LINKS = ("poselink", "relatedpose")

ROLES = {
    "Teachers": [
        *(f"{action}_{model}" for model in POSE_CONTENT for action in ("add", "change", "view")),
        # Removing a step, benefit or note is part of editing a pose; deleting poses is not.
        *(f"delete_{model}" for model in POSE_CONTENT if model != "pose"),
        *(f"{action}_{model}" for model in VOCABULARY for action in ("add", "change", "view")),
        *(f"view_{model}" for model in LINKS),
    ],
    "Studio staff": [
        *(f"{action}_{model}" for model in LINKS for action in ("add", "change", "delete", "view")),
        *(f"view_{model}" for model in POSE_CONTENT + VOCABULARY),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; these groups need them now.
    poses = apps.get_app_config("poses")
    poses.models_module = True
    create_permissions(poses, apps=apps, verbosity=0)
    poses.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="poses", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("poses", "0004_index_poses_for_search"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
