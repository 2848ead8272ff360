"""The e-mails a registration's state changes send, through the outbox (exactly once per key)."""

import copy
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from courses.calendar import course_calendar_ics
from courses.models import Course
from courses.selectors import session_list_for_course
from enrollment.models import ACTIVE_STATUSES, Registration
from enrollment.services.webhook_events import registration_events
from notifications import outbox

# The events a trainee hears about; each has templates enrollment/mail/<event>_subject.txt
# and _body.txt.
EVENTS = (
    "confirmed",
    "pending",
    "waitlisted",
    "approved",
    "rejected",
    "promoted",
    "moved_to_waitlist",
    "cancelled",
    "reminder",
)
# Messages that confirm a seat carry the course's calendar.
WITH_CALENDAR = {"confirmed", "approved", "promoted"}
# A course's links, kept by ("urls", course id) while messages for many registrations render.
LinkCache = dict[tuple[str, int], dict[str, str]]


def site_url(path: str) -> str:
    return settings.PORTAL_SITE_URL.rstrip("/") + path


def calendar_attachment(registration: Registration) -> outbox.MadeAttachment:
    """The course's .ics, made when the message is sent (`course_calendar_make`)."""
    return course_calendar_attachment(registration.course_id)


def course_calendar_attachment(course_id: int) -> outbox.MadeAttachment:
    """A course's calendar as an attachment made when the message leaves: the queued row
    stores only the course's id, and the trainee gets the calendar as it is then."""
    return outbox.MadeAttachment("course_calendar", (("course_id", course_id),))


def course_calendar_make(course_id: int) -> outbox.Attachment | None:
    """The maker of `course_calendar_attachment` (registered in EnrollmentConfig.ready)."""
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        return None
    host = urlsplit(settings.PORTAL_SITE_URL).netloc or "localhost"
    body = course_calendar_ics(course, session_list_for_course(course), host=host)
    return outbox.Attachment(
        filename=f"course-{course.pk}.ics", content=body, mimetype="text/calendar"
    )


def registration_message_key(registration: Registration, event: str, key_suffix: str = "") -> str:
    """The outbox key of a registration's message: one message per registration and event."""
    return f"registration:{registration.pk}:{event}{key_suffix}"


def _registration_draft(
    registration: Registration,
    event: str,
    *,
    key_suffix: str = "",
    position: int | None = None,
    cache: LinkCache | None = None,
    **extra: object,
) -> outbox.Draft:
    assert event in EVENTS, event
    course = registration.course
    if event == "promoted" and registration.status == Registration.Status.PENDING:
        template_event = "promoted_pending"
    else:
        template_event = event
    attachments = []
    if event in WITH_CALENDAR and registration.status == Registration.Status.CONFIRMED:
        attachments.append(calendar_attachment(registration))
    urls = (cache or {}).get(("urls", course.pk))
    if urls is None:
        urls = {
            "course_url": site_url(reverse("courses:course-detail", args=[course.pk])),
            "mine_url": site_url(reverse("enrollment:registration-mine")),
        }
        if cache is not None:
            cache[("urls", course.pk)] = urls
    return outbox.Draft(
        key=registration_message_key(registration, event, key_suffix),
        to=registration.trainee,
        template=f"enrollment/mail/{template_event}",
        context={
            "registration": registration,
            "course": course,
            "position": position,
            **urls,
            **extra,
        },
        attachments=tuple(attachments),
    )


def registration_message(
    registration: Registration,
    event: str,
    *,
    key_suffix: str = "",
    position: int | None = None,
    cache: LinkCache | None = None,
    **extra: object,
) -> outbox.Message:
    """The rendered message for `event`, not yet queued (`registration_notify` queues it).

    `cache` (a dict) keeps the course's links for many registrations of one course."""
    return outbox.render(
        _registration_draft(
            registration,
            event,
            key_suffix=key_suffix,
            position=position,
            cache=cache,
            **extra,
        )
    )


def _masked_registration(context: dict, markers: dict[str, str]) -> dict:
    registration = copy.copy(context["registration"])
    registration.full_name = markers["full_name"]
    position = markers["position"] if context["position"] is not None else None
    return {**context, "registration": registration, "position": position}


def registration_messages(
    events: list[tuple[Registration, str, int | None]], *, cache: LinkCache | None = None
) -> list[outbox.Message]:
    """`registration_message` for many (registration, event, waiting-list position): each
    template is rendered once, with each trainee's name and place put in
    (`outbox.render_many`)."""
    return outbox.render_many(
        [
            _registration_draft(registration, event, position=position, cache=cache)
            for registration, event, position in events
        ],
        values={
            "full_name": lambda context: context["registration"].full_name,
            "position": lambda context: str(context["position"]),
        },
        masked=_masked_registration,
        shape=lambda context: context["position"] is None,
    )


def registration_notify(
    registration: Registration,
    event: str,
    *,
    key_suffix: str = "",
    position: int | None = None,
    cache: LinkCache | None = None,
    **extra: object,
) -> None:
    """Queue the message for `event`; the key makes a second call for the same event a no-op."""
    message = registration_message(
        registration,
        event,
        key_suffix=key_suffix,
        position=position,
        cache=cache,
        **extra,
    )
    outbox.enqueue(message)
    registration_events([(registration, event)])


def course_changed_notify(course: Course, fields: list[str]) -> int:
    """Tell everyone with an active registration that the dates or venue changed."""
    stamp = int(timezone.now().timestamp())
    registrations = Registration.objects.filter(
        course=course, status__in=ACTIVE_STATUSES
    ).select_related("trainee")
    shared = {
        "course": course,
        "dates_changed": bool({"starts_on", "ends_on", "time_zone"} & set(fields)),
        "venue_changed": bool({"venue", "city"} & set(fields)),
        "course_url": site_url(reverse("courses:course-detail", args=[course.pk])),
        "mine_url": site_url(reverse("enrollment:registration-mine")),
    }
    messages = []
    for registration in registrations.iterator(chunk_size=500):
        registration.course = course
        attachments = []
        if registration.status == Registration.Status.CONFIRMED:
            attachments.append(calendar_attachment(registration))
        messages.append(
            outbox.render(
                key=registration_message_key(registration, "course_changed", f":{stamp}"),
                to=registration.trainee,
                template="enrollment/mail/course_changed",
                context={"registration": registration, **shared},
                attachments=attachments,
            )
        )
    # One insert for everyone: the caller holds the course lock.
    outbox.enqueue_many(messages)
    return len(messages)
