from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("audit")
    historical = getattr(app_config, "models_module", None) is None
    if historical:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    if historical:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="administrator")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="audit", codename="view_auditevent")
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_event"), ("accounts", "0003_create_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
