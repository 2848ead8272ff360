"""Organisers and administrators manage the library (organisers only what they add: see
policies.selectors.document_can_edit); these are the Django permissions the admin site uses."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["policydocument", "documentfile", "issuingauthority", "tag", "documentrelation"]
ROLE_PERMISSIONS = {
    "organiser": [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")]
    + ["view_documentchange"],
    "administrator": [
        f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")
    ]
    + ["view_documentchange"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now. (Also
    # called with the real app registry by the tests, so restore what was there.)
    app_config = apps.get_app_config("policies")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="policies", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ROLE_PERMISSIONS:
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="policies")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0001_initial"),
        ("accounts", "0003_create_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
