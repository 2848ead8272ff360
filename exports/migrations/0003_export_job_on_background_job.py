"""ExportJob is a jobs.BackgroundJob: its progress fields take the base's names (the columns
are renamed, their values kept) and it records which worker claimed it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0002_view_every_export_permission"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="exportjob", name="export_progress_within_total"),
        migrations.RenameField(model_name="exportjob", old_name="rows_done", new_name="progress_done"),
        migrations.RenameField(model_name="exportjob", old_name="rows_total", new_name="progress_total"),
        migrations.AlterField(
            model_name="exportjob",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="items done"),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="items in all"),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created"),
        ),
        migrations.AddField(
            model_name="exportjob",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=200, verbose_name="claimed by"),
        ),
        migrations.AddConstraint(
            model_name="exportjob",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("progress_done__lte", models.F("progress_total")),
                    ("progress_total", 0),
                    _connector="OR",
                ),
                name="export_progress_within_total",
            ),
        ),
    ]
