from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_apitoken", "change_apitoken", "view_apitoken"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("api")
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
        *Permission.objects.filter(content_type__app_label="api", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_token"), ("accounts", "0003_create_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
