"""Searches that found nothing, kept (without anything about who searched) for staff to
learn from. Both roles may see them; fixing one adds another name to a pose (teachers may)
or a synonym, which both roles may now add and edit."""

import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ROLES = {
    "Teachers": [
        "view_searchmiss",
        *(f"{action}_synonym" for action in ("add", "change", "delete", "view")),
    ],
    "Studio staff": [
        "view_searchmiss",
        *(f"{action}_synonym" for action in ("add", "change", "view")),
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
        ('poses', '0019_validate_names_and_markdown_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchMiss',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('query', models.CharField(max_length=100, verbose_name='search')),
                ('count', models.PositiveIntegerField(default=1, verbose_name='how often')),
                ('first_seen', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_seen', models.DateTimeField(default=django.utils.timezone.now)),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='fixed')),
                ('resolution', models.CharField(blank=True, max_length=300, verbose_name='how it was fixed')),
            ],
            options={
                'verbose_name': 'search that found nothing',
                'verbose_name_plural': 'searches that found nothing',
                'ordering': ['-count', '-last_seen'],
                'constraints': [models.UniqueConstraint(fields=('query',), name='search_miss_unique_query')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
