"""ReadingPackBundle is a jobs.ZipJob: its progress fields take the base's names (the columns
are renamed, their values kept) and it records which worker claimed it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_catalogue_index"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="readingpackbundle", name="pack_bundle_progress_within_total"),
        migrations.RenameField(model_name="readingpackbundle", old_name="files_done", new_name="progress_done"),
        migrations.RenameField(model_name="readingpackbundle", old_name="files_total", new_name="progress_total"),
        migrations.AlterField(
            model_name="readingpackbundle",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="items done"),
        ),
        migrations.AlterField(
            model_name="readingpackbundle",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="items in all"),
        ),
        migrations.AddField(
            model_name="readingpackbundle",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=200, verbose_name="claimed by"),
        ),
        migrations.AddConstraint(
            model_name="readingpackbundle",
            constraint=models.CheckConstraint(
                condition=models.Q(("progress_done__lte", models.F("progress_total"))),
                name="pack_bundle_progress_within_total",
            ),
        ),
    ]
