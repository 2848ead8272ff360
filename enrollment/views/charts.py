"""The statistics page's bar charts, drawn as SVG geometry by the template."""

from django.utils.translation import gettext as _

from enrollment.models import Registration
from enrollment.selectors import CourseStatistics


def bar_chart(title: str, rows: list[tuple], *, colour: str = "#b22222") -> dict:
    """Geometry of a horizontal bar chart: rows are (label, value[, value label])."""
    label_width, bar_x, bar_max, line = 100, 106, 240, 20
    maximum = max([row[1] for row in rows] + [1])
    drawn = []
    for index, row in enumerate(rows):
        label, value = row[0], row[1]
        bar = round(bar_max * value / maximum)
        drawn.append(
            {
                "label": label,
                "value_label": row[2] if len(row) > 2 else value,
                "bar": bar,
                "y": index * line + 3,
                "text_y": index * line + 14,
                "value_x": bar_x + bar + 4,
                "colour": colour,
            }
        )
    return {
        "title": title,
        "rows": drawn,
        "width": label_width + bar_max + 60,
        "height": max(line, len(rows) * line + 4),
        "label_width": label_width,
        "bar_x": bar_x,
    }


def statistics_charts(stats: CourseStatistics) -> dict:
    """The rows by status, and the four charts of the statistics page."""
    status_rows = [(label, stats.by_status[value]) for value, label in Registration.Status.choices]
    region_rows = [
        (row.region.name, row.total) for row in stats.by_region if row.total or row.quota
    ]
    type_rows = [(label, n) for label, n, _held in stats.by_type]
    day_rows = [(day.strftime("%m-%d"), n) for day, n in stats.per_day]
    return {
        "status_rows": status_rows,
        "status_chart": bar_chart(_("By status"), status_rows),
        "region_chart": bar_chart(_("By region"), region_rows),
        "type_chart": bar_chart(_("By organisation type"), type_rows),
        "day_chart": bar_chart(_("Registrations per day"), day_rows, colour="#1f5f8b"),
    }
