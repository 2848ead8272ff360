"""Regional quotas become quotas per region, per organisation type, or both; the existing
regional quotas stay as they are (a region and no type)."""

import django.db.models.deletion
from django.db import migrations, models

ACTIONS = ("add", "change", "delete", "view")
# Organisers may do everything to quotas but delete them through the admin, as before.
ROLE_ACTIONS = {"organiser": ("add", "change", "view"), "administrator": ACTIONS}


def _rename_permissions(apps, old: str, new: str, verbose: str) -> None:
    Permission = apps.get_model("auth", "Permission")
    for action in ACTIONS:
        Permission.objects.filter(
            content_type__app_label="courses", codename=f"{action}_{old}"
        ).update(codename=f"{action}_{new}", name=f"Can {action} {verbose}")


def grant(apps, schema_editor):
    """The quota permissions keep their name with the model, and the roles keep them."""
    _rename_permissions(apps, "regionalquota", "quota", "quota")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in ROLE_ACTIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="courses",
                    codename__in=[f"{action}_quota" for action in actions],
                )
            )


def ungrant(apps, schema_editor):
    _rename_permissions(apps, "quota", "regionalquota", "regional quota")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_administrators_see_every_export"),
        ("courses", "0008_course_checkin_staff"),
    ]

    operations = [
        migrations.RenameModel("RegionalQuota", "Quota"),
        migrations.RunPython(grant, ungrant),
        migrations.RemoveConstraint(model_name="quota", name="quota_unique_per_region"),
        migrations.AlterModelOptions(
            name="quota",
            options={
                "ordering": ["region__sort_order", "organisation_type"],
                "verbose_name": "quota",
                "verbose_name_plural": "quotas",
            },
        ),
        migrations.AlterField(
            model_name="quota",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.region",
                verbose_name="region",
            ),
        ),
        migrations.AddField(
            model_name="quota",
            name="organisation_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("ministry", "Ministry or national body"),
                    ("provincial_department", "Provincial department"),
                    ("city_bureau", "City bureau"),
                    ("industry_body", "Industry body"),
                    ("enterprise", "Enterprise"),
                    ("technical_school", "Technical school"),
                    ("other", "Other"),
                ],
                default="",
                max_length=30,
                verbose_name="organisation type",
            ),
        ),
        migrations.AddConstraint(
            model_name="quota",
            constraint=models.UniqueConstraint(
                fields=("course", "region", "organisation_type"),
                name="quota_unique_per_group",
                nulls_distinct=False,
            ),
        ),
        migrations.AddConstraint(
            model_name="quota",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("region__isnull", False),
                    models.Q(("organisation_type", ""), _negated=True),
                    _connector="OR",
                ),
                name="quota_has_region_or_type",
            ),
        ),
    ]
