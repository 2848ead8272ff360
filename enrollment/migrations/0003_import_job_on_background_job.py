"""ImportJob is a jobs.BackgroundJob: its progress fields take the base's names (the columns
are renamed, their values kept), and it records which worker claimed it, when it started and
the size of the uploaded file."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0002_registration_drop_redundant_indexes"),
    ]

    operations = [
        migrations.RenameField(model_name="importjob", old_name="rows_done", new_name="progress_done"),
        migrations.RenameField(model_name="importjob", old_name="rows_total", new_name="progress_total"),
        migrations.AlterField(
            model_name="importjob",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="items done"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="items in all"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=200, verbose_name="claimed by"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="size",
            field=models.PositiveBigIntegerField(default=0, verbose_name="size"),
        ),
    ]
