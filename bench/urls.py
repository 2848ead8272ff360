from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

# The registration rush's scratch table (bench/registration_rush.py creates it).
SCRATCH = "bench_rush_scratch"
RUSH_CAPACITY = 300


def bare(request):
    """The baseline: Django's request cycle with no template and no database."""
    return HttpResponse("ok", content_type="text/plain")


def _lock_count_insert(course_id: int, region: int) -> None:
    """The transaction pgbench runs: lock the course row, count the held seats, insert a row
    (into the scratch table, so the real registrations stay clean)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM courses_course WHERE id = %s FOR NO KEY UPDATE", [course_id])
        cursor.execute(
            f"SELECT count(*) FROM {SCRATCH} WHERE course_id = %s AND status = 'confirmed'",
            [course_id],
        )
        held = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {SCRATCH} (course_id, region_id, status) VALUES (%s, %s, %s)",
            [course_id, region, "confirmed" if held < RUSH_CAPACITY else "waitlisted"],
        )


@csrf_exempt
def rush_transaction(request, course_id: int):
    """The registration rush's second baseline: the lock-count-insert transaction in raw SQL,
    for anyone (no session, no signed-in user, no CSRF check)."""
    _lock_count_insert(course_id, int(request.POST.get("region", 1)))
    return HttpResponse("ok", content_type="text/plain")


def rush_transaction_signed_in(request, course_id: int):
    """The third baseline: the same transaction behind what the registration form has in
    front of it: the session, the signed-in trainee and the CSRF check (the rush's own
    cookies and form bodies are posted to it)."""
    if not request.user.is_authenticated:
        return HttpResponse("sign in", status=403, content_type="text/plain")
    _lock_count_insert(course_id, int(request.POST.get("region", 1)))
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare),
    path("bench/rush/<int:course_id>/", rush_transaction),
    path("bench/rush-signed-in/<int:course_id>/", rush_transaction_signed_in),
    path("", include("portal.urls")),
]
handler500 = "portal.views.server_error"
