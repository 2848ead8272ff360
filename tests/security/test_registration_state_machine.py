"""Property-based: random sequences of register / approve / reject / cancel / move to the
waiting list / change capacity / change quotas (per region, per organisation type and per
region-and-type pair, overlapping) never break the seat invariants: never oversold, no quota
over its seats, nobody waiting beside a seat they qualify for, the waiting list promoted in
order within each quota."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accounts.models import Organisation
from accounts.roles import Role
from courses.models import Course
from courses.quotas import QuotaKey
from enrollment import services
from enrollment.models import Registration
from enrollment.services import course_update, quota_set
from enrollment.services.common import seat_state
from tests.enrollment.conftest import set_quotas, trainee_from
from tests.enrollment.test_concurrency import assert_invariants
from tests.factories.accounts import UserFactory, region
from tests.factories.courses import CourseFactory, SessionFactory

# A regional quota (44), a type quota (city bureaus), a pair quota (technical schools of 33)
# and the open seats; the nine trainees are every region-and-type combination of these.
REGIONS = ["44", "33", "51"]
TYPES = [
    Organisation.Type.PROVINCIAL_DEPARTMENT,
    Organisation.Type.CITY_BUREAU,
    Organisation.Type.TECHNICAL_SCHOOL,
]
TRAINEES = len(REGIONS) * len(TYPES)
HELD = ("pending", "confirmed")


class RegistrationMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.organiser = UserFactory(roles=[Role.ORGANISER])
        self.course = CourseFactory(
            status=Course.Status.PUBLISHED, capacity=4, organisers=[self.organiser]
        )
        SessionFactory(course=self.course)
        set_quotas(
            self.course,
            {"44": 1, (None, Organisation.Type.CITY_BUREAU): 1, ("33", TYPES[2]): 1},
        )
        self.trainees = [
            trainee_from(REGIONS[n % 3], TYPES[n // 3], full_name=f"学员{n}")
            for n in range(TRAINEES)
        ]
        self.waiting_before: dict[int, tuple] = {}

    def _registration(self, index: int, *statuses) -> Registration | None:
        return (
            Registration.objects.filter(
                course=self.course, trainee=self.trainees[index], status__in=statuses
            )
            .order_by("-pk")
            .first()
        )

    @rule(index=st.integers(0, TRAINEES - 1))
    def register(self, index):
        try:
            services.registration_create(course_id=self.course.pk, trainee=self.trainees[index])
        except ValidationError as exc:
            assert exc.code == "already_registered"

    @rule(index=st.integers(0, TRAINEES - 1))
    def cancel(self, index):
        registration = self._registration(index, "pending", "confirmed", "waitlisted")
        if registration:
            services.registration_cancel(registration_id=registration.pk, by=self.trainees[index])

    @rule(index=st.integers(0, TRAINEES - 1), approve=st.booleans())
    def decide(self, index, approve):
        registration = self._registration(index, "pending")
        if registration is None:
            return
        if approve:
            services.registration_approve(registration_id=registration.pk, by=self.organiser)
        else:
            services.registration_reject(
                registration_id=registration.pk, by=self.organiser, reason="名额已满"
            )

    @rule(index=st.integers(0, TRAINEES - 1))
    def move_to_waitlist(self, index):
        registration = self._registration(index, "confirmed")
        if registration:
            try:
                services.registration_move_to_waitlist(
                    registration_id=registration.pk, by=self.organiser
                )
            except ValidationError as exc:
                assert exc.code == "nobody_waiting"

    @rule(capacity=st.integers(1, 6))
    def change_capacity(self, capacity):
        try:
            course_update(course=self.course, by=self.organiser, data={"capacity": capacity})
        except ValidationError as exc:
            # Refused only when it would undercut what is held; nothing changes then.
            assert set(exc.error_dict if hasattr(exc, "error_dict") else []) <= {"capacity"}
        self.course.refresh_from_db()

    @rule(by_region=st.integers(0, 3), by_type=st.integers(0, 3), by_pair=st.integers(0, 2))
    def change_quotas(self, by_region, by_type, by_pair):
        try:
            quota_set(
                course=self.course,
                by=self.organiser,
                seats={
                    QuotaKey(region("44").pk): by_region,
                    QuotaKey(None, Organisation.Type.CITY_BUREAU): by_type,
                    QuotaKey(region("33").pk, TYPES[2]): by_pair,
                },
            )
        except ValidationError as exc:
            codes = (
                {error.code for error in exc.error_list} if hasattr(exc, "error_list") else set()
            )
            assert codes <= {"quota_exceeds_capacity", "quota_below_taken", "pool_below_taken"}

    @rule(required=st.booleans())
    def switch_approval(self, required):
        Course.objects.filter(pk=self.course.pk).update(requires_approval=required)

    @invariant()
    def seats_quotas_and_waiting_list_hold(self):
        assert_invariants(self.course)

    @invariant()
    def the_waiting_list_moves_up_in_order_within_each_quota(self):
        """Whoever moved from the waiting list to a seat in the last step had joined it before
        everyone of the same quota (or of the open seats) who still waits."""
        seats = seat_state(self.course)
        rows = Registration.objects.filter(course=self.course).values_list(
            "pk", "status", "waitlisted_at", "region_id", "organisation_type"
        )
        waiting, promoted = {}, []
        for pk, status, waitlisted_at, region_id, type_ in rows:
            place = (seats.quota_of((region_id, type_)), waitlisted_at, pk)
            if status == "waitlisted":
                waiting[pk] = place
            elif status in HELD and pk in self.waiting_before:
                promoted.append(place)
        for quota, *place in promoted:
            for other in waiting.keys() & self.waiting_before.keys():
                other_quota, *other_place = waiting[other]
                if other_quota == quota:
                    assert place < other_place, f"registration {other} was passed over"
        self.waiting_before = waiting


@pytest.mark.django_db
def test_random_sequences_never_break_the_seat_invariants():
    run_state_machine_as_test(
        RegistrationMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )


@pytest.mark.django_db
def test_a_known_sequence_promotes_the_first_of_the_quota_and_keeps_every_invariant():
    """Random search seldom lines two trainees of one quota up behind a third; replay it."""
    machine = RegistrationMachine()
    steps = [
        # Three trainees of region 44 (its quota of one counts before their types' quotas):
        # the first takes the seat, the other two wait in order.
        lambda: machine.register(0),
        lambda: machine.register(3),
        lambda: machine.register(6),
        lambda: machine.cancel(0),
    ]
    for step in steps:
        step()
        machine.seats_quotas_and_waiting_list_hold()
        machine.the_waiting_list_moves_up_in_order_within_each_quota()
    promoted = machine._registration(3, "confirmed")
    assert promoted is not None
    assert machine._registration(6, "waitlisted") is not None
