"""Teachers plan classes: they add, change and view sequences and their items (removing an
item is part of editing a sequence; deleting a sequence is not, as deleting a pose is not).
Studio staff view them, as they view poses."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Teachers": [
        *(f"{action}_sequence" for action in ("add", "change", "view")),
        *(f"{action}_sequenceitem" for action in ("add", "change", "delete", "view")),
    ],
    "Studio staff": ["view_sequence", "view_sequenceitem"],
}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; these groups need them now.
    sequences = apps.get_app_config("sequences")
    sequences.models_module = True
    create_permissions(sequences, apps=apps, verbosity=0)
    sequences.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="sequences", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="sequences", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("poses", "0005_create_teacher_and_staff_roles"),
        ("sequences", "0003_validate_names_and_markdown_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
