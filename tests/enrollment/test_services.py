import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Organisation
from accounts.roles import Role
from courses.models import Course
from courses.quotas import QuotaKey
from enrollment import services
from enrollment.models import Registration
from enrollment.services.reminders import registration_remind
from notifications.attachments import attachment_contents
from notifications.models import OutgoingMail
from tests.enrollment.conftest import set_quotas, trainee_from
from tests.factories.accounts import UserFactory, region
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db


def register(course, trainee, **kwargs):
    return services.registration_create(course_id=course.pk, trainee=trainee, **kwargs)


def mail(registration, event):
    return OutgoingMail.objects.get(key=f"registration:{registration.pk}:{event}")


def test_free_seat_confirms_and_the_mail_carries_the_calendar(open_course):
    trainee = trainee_from("44")
    registration = register(open_course, trainee)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.region == region("44")
    assert registration.organisation_name == trainee.organisation.name
    message = mail(registration, "confirmed")
    assert message.to_email == trainee.email
    assert "报名成功" in message.subject or "确认" in message.subject
    (attachment,) = attachment_contents(message.attachments)
    assert attachment.mimetype == "text/calendar"
    assert b"BEGIN:VEVENT" in attachment.content


def test_the_mail_is_in_the_trainees_language(open_course):
    trainee = trainee_from("44", preferred_language="en")
    registration = register(open_course, trainee)
    message = mail(registration, "confirmed")
    assert message.language == "en"
    assert message.subject.startswith("Registration confirmed")


def test_approval_required_gives_pending_that_holds_the_seat(open_course):
    open_course.requires_approval = True
    open_course.capacity = 1
    open_course.save()
    first = register(open_course, trainee_from("44"))
    second = register(open_course, trainee_from("45"))
    assert first.status == Registration.Status.PENDING
    assert second.status == Registration.Status.WAITLISTED
    assert mail(first, "pending").attachments == []


def test_full_course_waitlists_with_position(open_course):
    open_course.capacity = 1
    open_course.save()
    register(open_course, trainee_from("44"))
    second = register(open_course, trainee_from("45"))
    third = register(open_course, trainee_from("46"))
    assert second.status == third.status == Registration.Status.WAITLISTED
    assert services.waitlist_position(second) == 1
    assert services.waitlist_position(third) == 2
    assert "2" in mail(third, "waitlisted").body_text


def test_full_quota_waitlists_its_region_but_not_the_others(open_course):
    open_course.capacity = 3
    open_course.save()
    set_quotas(open_course, {"44": 1})
    assert register(open_course, trainee_from("44")).status == "confirmed"
    assert register(open_course, trainee_from("44", Organisation.Type.CITY_BUREAU)).status == (
        "waitlisted"
    )
    assert register(open_course, trainee_from("11")).status == "confirmed"
    assert register(open_course, trainee_from("12")).status == "confirmed"
    assert register(open_course, trainee_from("13")).status == "waitlisted"


def test_not_eligible_organisation_type(open_course):
    open_course.eligible_organisation_types = [Organisation.Type.MINISTRY]
    open_course.save()
    with pytest.raises(ValidationError) as exc:
        register(open_course, trainee_from("44", Organisation.Type.ENTERPRISE))
    assert exc.value.code == "not_eligible"


def test_second_registration_is_already_registered(open_course):
    trainee = trainee_from("44")
    register(open_course, trainee)
    with pytest.raises(ValidationError) as exc:
        register(open_course, trainee)
    assert exc.value.code == "already_registered"
    assert Registration.objects.filter(trainee=trainee).count() == 1


def test_registration_after_a_cancelled_one_is_allowed(open_course):
    trainee = trainee_from("44")
    first = register(open_course, trainee)
    services.registration_cancel(registration_id=first.pk, by=trainee)
    assert register(open_course, trainee).status == "confirmed"


@pytest.mark.parametrize(
    "change, code",
    [
        ({"registration_opens_at": "future"}, "not_open"),
        ({"registration_closes_at": "past"}, "registration_closed"),
        ({"status": Course.Status.DRAFT}, "not_published"),
    ],
)
def test_closed_window_and_unpublished_course(open_course, change, code):
    now = timezone.now()
    for field, value in change.items():
        if value == "future":
            value = now + datetime.timedelta(days=1)
        elif value == "past":
            open_course.registration_opens_at = now - datetime.timedelta(days=3)
            value = now - datetime.timedelta(days=1)
        setattr(open_course, field, value)
    open_course.save()
    with pytest.raises(ValidationError) as exc:
        register(open_course, trainee_from("44"))
    assert exc.value.code == code


def test_organiser_may_register_on_behalf_after_the_window(open_course):
    now = timezone.now()
    open_course.registration_opens_at = now - datetime.timedelta(days=3)
    open_course.registration_closes_at = now - datetime.timedelta(days=1)
    open_course.save()
    organiser = open_course.organisers.first()
    registration = register(
        open_course, trainee_from("44"), by=organiser, source=Registration.Source.ON_BEHALF
    )
    assert registration.registered_by == organiser


def test_profile_without_organisation_is_incomplete(open_course):
    with pytest.raises(ValidationError) as exc:
        register(open_course, UserFactory(organisation=None))
    assert exc.value.code == "profile_incomplete"


def test_cancel_promotes_first_waitlisted_who_qualifies(open_course):
    open_course.capacity = 2
    open_course.save()
    set_quotas(open_course, {"44": 1})
    holder = register(open_course, trainee_from("44"))
    register(open_course, trainee_from("11"))
    same_region = register(open_course, trainee_from("44", Organisation.Type.CITY_BUREAU))
    other = register(open_course, trainee_from("12"))
    assert same_region.status == other.status == "waitlisted"

    services.registration_cancel(registration_id=holder.pk, by=holder.trainee, reason="工作冲突")

    same_region.refresh_from_db()
    other.refresh_from_db()
    assert same_region.status == "confirmed"
    assert other.status == "waitlisted"
    assert mail(same_region, "promoted").attachments
    assert "工作冲突" in mail(holder, "cancelled").body_text


def test_promotion_skips_a_full_quota_region(open_course):
    open_course.capacity = 2
    open_course.save()
    set_quotas(open_course, {"44": 1})
    register(open_course, trainee_from("44"))
    pool_holder = register(open_course, trainee_from("11"))
    quota_waiting = register(open_course, trainee_from("44", Organisation.Type.CITY_BUREAU))
    pool_waiting = register(open_course, trainee_from("12"))
    services.registration_cancel(registration_id=pool_holder.pk, by=pool_holder.trainee)
    quota_waiting.refresh_from_db()
    pool_waiting.refresh_from_db()
    assert quota_waiting.status == "waitlisted"
    assert pool_waiting.status == "confirmed"


def test_promotion_goes_to_pending_when_approval_is_required(open_course):
    open_course.capacity = 1
    open_course.requires_approval = True
    open_course.save()
    first = register(open_course, trainee_from("44"))
    waiting = register(open_course, trainee_from("45"))
    services.registration_cancel(registration_id=first.pk, by=first.trainee)
    waiting.refresh_from_db()
    assert waiting.status == "pending"
    assert mail(waiting, "promoted").attachments == []


def test_cancel_by_a_stranger_is_refused(open_course):
    registration = register(open_course, trainee_from("44"))
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration_id=registration.pk, by=trainee_from("45"))


def test_cancel_after_the_start_is_refused(open_course):
    registration = register(open_course, trainee_from("44"))
    Course.objects.filter(pk=open_course.pk).update(
        starts_on=timezone.localdate(), registration_closes_at=timezone.now()
    )
    with pytest.raises(ValidationError) as exc:
        services.registration_cancel(registration_id=registration.pk, by=registration.trainee)
    assert exc.value.code == "course_started"


def test_cancel_twice_is_not_active(open_course):
    registration = register(open_course, trainee_from("44"))
    services.registration_cancel(registration_id=registration.pk, by=registration.trainee)
    with pytest.raises(ValidationError) as exc:
        services.registration_cancel(registration_id=registration.pk, by=registration.trainee)
    assert exc.value.code == "not_active"


def test_approve_and_reject_in_bulk(open_course):
    open_course.requires_approval = True
    open_course.capacity = 2
    open_course.save()
    organiser = open_course.organisers.first()
    first = register(open_course, trainee_from("44"))
    second = register(open_course, trainee_from("45"))
    waiting = register(open_course, trainee_from("46"))

    with pytest.raises(ValidationError) as exc:
        services.registration_reject_many(
            course_id=open_course.pk, registration_ids=[second.pk], by=organiser, reason=" "
        )
    assert exc.value.code == "reason_required"

    services.registration_approve_many(
        course_id=open_course.pk, registration_ids=[first.pk], by=organiser
    )
    services.registration_reject_many(
        course_id=open_course.pk, registration_ids=[second.pk], by=organiser, reason="名额已满"
    )
    first.refresh_from_db()
    second.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == "confirmed"
    assert mail(first, "approved").attachments
    assert second.status == "rejected"
    assert "名额已满" in mail(second, "rejected").body_text
    assert waiting.status == "pending"


def test_approving_a_confirmed_registration_is_not_pending(open_course):
    organiser = open_course.organisers.first()
    registration = register(open_course, trainee_from("44"))
    with pytest.raises(ValidationError) as exc:
        services.registration_approve(registration_id=registration.pk, by=organiser)
    assert exc.value.code == "not_pending"


def test_trainee_cannot_approve(open_course):
    open_course.requires_approval = True
    open_course.save()
    registration = register(open_course, trainee_from("44"))
    with pytest.raises(PermissionDenied):
        services.registration_approve(registration_id=registration.pk, by=registration.trainee)


def test_move_to_waitlist_gives_the_seat_to_the_first_waiting(open_course):
    open_course.capacity = 1
    open_course.save()
    organiser = open_course.organisers.first()
    holder = register(open_course, trainee_from("44"))
    waiting = register(open_course, trainee_from("45"))
    services.registration_move_to_waitlist(registration_id=holder.pk, by=organiser)
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert holder.status == "waitlisted"
    assert services.waitlist_position(holder) == 1


def test_move_to_waitlist_is_refused_when_nobody_else_can_take_the_seat(open_course):
    organiser = open_course.organisers.first()
    holder = register(open_course, trainee_from("44"))
    with pytest.raises(ValidationError) as refused:
        services.registration_move_to_waitlist(registration_id=holder.pk, by=organiser)
    assert refused.value.code == "nobody_waiting"
    holder.refresh_from_db()
    assert holder.status == "confirmed"
    assert not OutgoingMail.objects.filter(
        key__startswith=f"registration:{holder.pk}:moved"
    ).exists()


def test_raising_the_capacity_promotes(open_course):
    open_course.capacity = 1
    open_course.save()
    organiser = open_course.organisers.first()
    register(open_course, trainee_from("44"))
    waiting = register(open_course, trainee_from("45"))
    services.course_update(course=open_course, by=organiser, data={"capacity": 2})
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_lowering_the_capacity_below_held_is_refused(open_course):
    organiser = open_course.organisers.first()
    register(open_course, trainee_from("44"))
    register(open_course, trainee_from("45"))
    with pytest.raises(ValidationError) as exc:
        services.course_update(course=open_course, by=organiser, data={"capacity": 1})
    assert exc.value.error_dict["capacity"][0].code == "capacity_below_taken"


def test_quota_lowered_below_its_regions_held_seats_is_refused(open_course):
    organiser = open_course.organisers.first()
    set_quotas(open_course, {"44": 3})
    register(open_course, trainee_from("44"))
    register(open_course, trainee_from("44", Organisation.Type.CITY_BUREAU))
    with pytest.raises(ValidationError) as exc:
        services.quota_set(course=open_course, by=organiser, seats={QuotaKey(region("44").pk): 1})
    assert exc.value.error_list[0].code == "quota_below_taken"


def test_quotas_leaving_too_little_for_other_regions_are_refused(open_course):
    open_course.capacity = 3
    open_course.save()
    organiser = open_course.organisers.first()
    register(open_course, trainee_from("11"))
    register(open_course, trainee_from("12"))
    with pytest.raises(ValidationError) as exc:
        services.quota_set(course=open_course, by=organiser, seats={QuotaKey(region("44").pk): 2})
    assert exc.value.error_list[0].code == "pool_below_taken"


def test_raising_a_quota_promotes_that_region(open_course):
    open_course.capacity = 5
    open_course.save()
    organiser = open_course.organisers.first()
    set_quotas(open_course, {"44": 1})
    register(open_course, trainee_from("44"))
    waiting = register(open_course, trainee_from("44", Organisation.Type.CITY_BUREAU))
    assert waiting.status == "waitlisted"
    services.quota_set(course=open_course, by=organiser, seats={QuotaKey(region("44").pk): 2})
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_nominating_allowance_is_enforced(open_course):
    from tests.factories.enrollment import NominatingUnitFactory

    unit = NominatingUnitFactory(course=open_course, seat_allowance=1)
    organiser = open_course.organisers.first()
    register(open_course, trainee_from("44"), by=organiser, nominating_unit=unit)
    with pytest.raises(ValidationError) as exc:
        register(open_course, trainee_from("45"), by=organiser, nominating_unit=unit)
    assert exc.value.code == "allowance_used"


def test_reminders_are_queued_once_each(open_course):
    registration = RegistrationFactory(course=open_course)
    RegistrationFactory(course=open_course, status=Registration.Status.CANCELLED)
    tz = open_course.tz
    three_days_before = datetime.datetime.combine(
        open_course.starts_on - datetime.timedelta(days=3), datetime.time(9), tzinfo=tz
    )
    assert registration_remind(now=three_days_before) == 1
    assert registration_remind(now=three_days_before) == 0
    assert registration_remind(now=three_days_before + datetime.timedelta(days=2)) == 1
    keys = set(OutgoingMail.objects.values_list("key", flat=True))
    assert keys == {
        f"registration:{registration.pk}:reminder:3",
        f"registration:{registration.pk}:reminder:1",
    }
    assert "明天" in OutgoingMail.objects.get(key__endswith="reminder:1").subject


def test_seat_counts_for_course_pages(open_course):
    from enrollment.selectors import course_seats_taken, seat_counts_for

    RegistrationFactory(course=open_course)
    RegistrationFactory(course=open_course, status=Registration.Status.PENDING)
    RegistrationFactory(course=open_course, status=Registration.Status.WAITLISTED)
    RegistrationFactory(course=open_course, status=Registration.Status.CANCELLED)
    assert course_seats_taken(open_course) == 2
    counts = seat_counts_for([open_course.pk])[open_course.pk]
    assert (counts.taken, counts.pending, counts.waitlisted) == (2, 1, 1)


def test_organiser_of_another_course_cannot_decide(open_course):
    open_course.requires_approval = True
    open_course.save()
    registration = register(open_course, trainee_from("44"))
    stranger = UserFactory(roles=[Role.ORGANISER])
    with pytest.raises(PermissionDenied):
        services.registration_approve(registration_id=registration.pk, by=stranger)
