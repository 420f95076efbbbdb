"""Counterposes are links, kept by studio staff; guidance for kinds of pose is safety content,
written by teachers. Each role may view the other's."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Teachers": [
        *(f"{action}_conditionguidance" for action in ("add", "change", "delete", "view")),
        "view_counterpose",
    ],
    "Studio staff": [
        *(f"{action}_counterpose" for action in ("add", "change", "delete", "view")),
        "view_conditionguidance",
    ],
}


def grant(apps, schema_editor):
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


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="poses", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("poses", "0012_record_safety_reviews"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
