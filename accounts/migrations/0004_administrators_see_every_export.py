"""Administrators see and download everyone's exports, as they always have.

`exports` is a leaf that knows no roles, so it declares the permission (`view_every_export`) and
checks only that; the roles are ours (Django groups, see accounts/roles.py), so we hand it to
the administrator group here. Superusers hold every permission already.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSION = ("exports", "view_every_export")
ROLE = "administrator"


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure this one exists now.
    # (Also called with the real app registry by the tests, so restore what was there.)
    app_label, codename = PERMISSION
    app_config = apps.get_app_config(app_label)
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=ROLE)
    group.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )


def revoke(apps, schema_editor):
    app_label, codename = PERMISSION
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=ROLE):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_create_role_groups"),
        ("exports", "0002_view_every_export_permission"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
