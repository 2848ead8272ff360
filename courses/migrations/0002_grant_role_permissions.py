"""Organisers and administrators manage courses, their timetables and materials."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["course", "session", "speaker", "discussiongroup", "material", "regionalquota"]
ROLE_PERMISSIONS = {
    "organiser": [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
    + ["delete_session", "delete_discussiongroup", "delete_material", "delete_regionalquota"],
    "administrator": [
        f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")
    ],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="courses", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="courses"))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("accounts", "0003_create_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
