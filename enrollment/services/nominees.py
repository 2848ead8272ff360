"""Registering several people at once: by form or spreadsheet, by an organiser or a
nominating unit's contact. All or nothing: any wrong row means nothing is saved."""

import copy
import re
import secrets
from collections.abc import Callable, Iterable

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.services import organisation_get_or_create
from courses.models import Course
from courses.selectors import course_can_edit
from enrollment.imports import (
    COLUMNS,
    RawRow,
    normalise,
    organisation_type_lookup,
    region_lookup,
)
from enrollment.models import ACTIVE_STATUSES, NominatingUnit, Registration
from enrollment.services.common import lock_course, seat_state
from enrollment.services.nominee_rows import (
    ExistingProfiles,
    Nominee,
    NomineeErrors,
    ProfileKept,
    RowError,
    existing_accounts,
    nominees_profiles_kept,
)
from enrollment.services.notify import site_url
from enrollment.services.registration import register_many_locked
from notifications import outbox
from portal.bulk import insert_columns, insert_objects

__all__ = [  # the rows' types live in nominee_rows; callers take them from here
    "ExistingProfiles",
    "Nominee",
    "NomineeErrors",
    "ProfileKept",
    "RowError",
    "nominees_profiles_kept",
]

MOBILE = re.compile(r"^1\d{10}$")
COLUMN_LABELS = {column.key: column.label for column in COLUMNS}


def column_label(key: str) -> str:
    return str(COLUMN_LABELS.get(key, "")) if key else ""


def nominee_access(*, course: Course, by: User | None) -> NominatingUnit | None:
    """The unit `by` registers for, None for organisers; PermissionDenied for anyone else."""
    if by is None or course_can_edit(course=course, user=by):
        return None
    unit = NominatingUnit.objects.filter(course=course, contact=by).first()
    if unit is None:
        raise PermissionDenied(_("Only organisers and nominating units can register others."))
    return unit


def nominees_check(
    *,
    course: Course,
    rows: Iterable[RawRow],
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Nominee], list[RowError]]:
    """Check every row (formats, known values, duplicates in the file and on the course)."""
    checker = _RowChecker()
    nominees: list[Nominee] = []
    errors: list[RowError] = []
    for count, raw in enumerate(rows, start=1):
        nominee, row_errors = checker.check(raw)
        errors.extend(row_errors)
        if nominee is not None:
            nominees.append(nominee)
        if progress is not None and count % 250 == 0:
            progress(count)
    errors.extend(_already_registered(course, nominees))
    errors.sort(key=lambda e: (e.row, [c.key for c in COLUMNS].index(e.column) if e.column else -1))
    return nominees, errors


class _RowChecker:
    """The checks of one row on its own and against the rows before it in the file."""

    LIMITS = (("full_name", 100), ("organisation_name", 200), ("position", 100))

    def __init__(self) -> None:
        self.regions = region_lookup()
        self.types = organisation_type_lookup()
        self.seen_emails: dict[str, int] = {}
        self.seen_phones: dict[str, int] = {}

    def check(self, raw: RawRow) -> tuple[Nominee | None, list[RowError]]:
        values = raw.values
        found: list[tuple[str, str]] = [*self._cells(raw), *self._lengths(values)]
        email = values.get("email", "").lower()
        found += self._email(email, raw.number)
        phone = values.get("phone", "").replace("-", "").replace(" ", "")
        found += self._phone(phone, raw.number)
        region = self.regions.get(normalise(values.get("region")))
        if values.get("region") and region is None:
            found.append(("region", _("Unknown region; use a name such as 广东省 or Guangdong.")))
        organisation_type = self.types.get(normalise(values.get("organisation_type")))
        if values.get("organisation_type") and organisation_type is None:
            found.append(("organisation_type", _("Unknown organisation type; see the template.")))
        if found:
            return None, [RowError(raw.number, column, message) for column, message in found]
        # Both are required columns, so a row without them has errors.
        assert organisation_type is not None and region is not None
        nominee = Nominee(
            row=raw.number,
            email=email,
            full_name=values["full_name"],
            phone=phone,
            organisation_name=values["organisation_name"],
            organisation_type=organisation_type,
            region=region,
            position=values.get("position", ""),
        )
        return nominee, []

    @staticmethod
    def _cells(raw: RawRow) -> list[tuple[str, str]]:
        found = []
        for column in COLUMNS:
            if column.key in raw.formulas:
                found.append(
                    (column.key, _("Formula cells are not accepted; type the value itself."))
                )
            elif column.required and not raw.values.get(column.key):
                found.append((column.key, _("Required.")))
        return found

    def _lengths(self, values: dict[str, str]) -> list[tuple[str, str]]:
        return [
            (key, _("At most %(limit)s characters.") % {"limit": limit})
            for key, limit in self.LIMITS
            if len(values.get(key, "")) > limit
        ]

    def _email(self, email: str, row: int) -> list[tuple[str, str]]:
        if not email:
            return []
        try:
            validate_email(email)
        except ValidationError:
            return [("email", _("Not a valid e-mail address."))]
        first = self.seen_emails.setdefault(email, row)
        if first != row:
            return [("email", _("The same e-mail address is on row %(row)s.") % {"row": first})]
        return []

    def _phone(self, phone: str, row: int) -> list[tuple[str, str]]:
        if not phone:
            return []
        if not MOBILE.match(phone):
            found = [("phone", _("Enter an 11-digit mobile number starting with 1."))]
        elif phone in self.seen_phones:
            first = self.seen_phones[phone]
            found = [("phone", _("The same mobile number is on row %(row)s.") % {"row": first})]
        else:
            found = []
        self.seen_phones.setdefault(phone, row)
        return found


def _already_registered(course: Course, nominees: list[Nominee]) -> list[RowError]:
    """The rows of people who already hold an active registration on the course."""
    emails = [nominee.email for nominee in nominees]
    registered: set[str] = set()
    for start in range(0, len(emails), 1000):
        registered.update(
            Registration.objects.filter(
                course=course,
                status__in=ACTIVE_STATUSES,
                trainee__email__in=emails[start : start + 1000],
            ).values_list("trainee__email", flat=True)
        )
    return [
        RowError(nominee.row, "email", _("This person is already registered."))
        for nominee in nominees
        if nominee.email in registered
    ]


class _Organisations:
    """Each nominee's organisation, looked up (or created) once per name and region."""

    def __init__(self) -> None:
        self.found: dict[tuple, Organisation] = {}

    def of(self, nominee: Nominee) -> Organisation:
        key = (" ".join(nominee.organisation_name.split()), nominee.region.pk)
        if key not in self.found:
            self.found[key] = organisation_get_or_create(
                name=nominee.organisation_name,
                type=nominee.organisation_type,
                region=nominee.region,
            )
        return self.found[key]


def _new_account(nominee: Nominee, organisation: Organisation) -> User:
    """The unsaved account of a new person, with the row's details and no password yet."""
    user = User(
        email=nominee.email,
        full_name=nominee.full_name,
        phone=nominee.phone,
        position=nominee.position,
        organisation=organisation,
    )
    # What `set_unusable_password` stores, without its slow random string per account.
    user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
    return user


def _insert_accounts(new: list[User], *, trainee_group: Group) -> None:
    """Save new accounts in bulk, with their verified address and the trainee group."""
    insert_objects(new)
    # The organiser or unit vouches for the address; setting the password proves it.
    insert_columns(
        EmailAddress,
        {
            "user_id": [user.pk for user in new],
            "email": [user.email for user in new],
            "verified": [True] * len(new),
            "primary": [True] * len(new),
        },
    )
    insert_columns(
        User.groups.through,
        {"user_id": [user.pk for user in new], "group_id": [trainee_group.pk] * len(new)},
    )


def _accounts_for(nominees: list[Nominee], *, trainee_group: Group) -> list[tuple[User, bool]]:
    """Each person's account, created with the row's details when new (no password yet).

    A few statements for the whole list: existing accounts in one query, organisations looked
    up once per name and region, new accounts, their addresses and group in bulk inserts.
    """
    existing = existing_accounts([nominee.email for nominee in nominees])
    organisations = _Organisations()
    accounts: list[tuple[User, bool]] = []
    completed: list[User] = []
    new: list[User] = []
    for nominee in nominees:
        user = existing.get(nominee.email)
        if user is not None:
            if user.organisation_id is None:
                user.organisation = organisations.of(nominee)
                completed.append(user)
            accounts.append((user, False))
            continue
        user = _new_account(nominee, organisations.of(nominee))
        new.append(user)
        existing[nominee.email] = user  # the same address twice in one list: one account
        accounts.append((user, True))
    if completed:
        User.objects.bulk_update(completed, ["organisation"], batch_size=1000)
    if new:
        _insert_accounts(new, trainee_group=trainee_group)
    return accounts


# Whatever generator class allauth uses (untyped), so mypy cannot take it as a base class.
class _NewAccountTokens(type(default_token_generator)):  # type: ignore[misc]
    """allauth's password-reset token for an account created just now, whose only address is
    its e-mail: allauth's generator looks the addresses up (two queries per account), this
    one knows them. `default_token_generator.check_token` accepts its tokens."""

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return PasswordResetTokenGenerator._make_hash_value(self, user, timestamp) + user.email


_new_account_tokens = _NewAccountTokens()


def _invitations(users: list[User], course: Course, by: User | None) -> list[outbox.Message]:
    """The invitations of accounts created just now: each with its link to set a password.

    The template is rendered once and each person's name and link put in
    (`outbox.render_many`); the link's path too is made once and each account's id and
    token put in, checked against the first account's path made by `reverse`."""

    def path(uidb36: str, key: str) -> str:
        return reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": key})

    tokens = [(user_pk_to_url_str(user), _new_account_tokens.make_token(user)) for user in users]
    pattern = path("UIDB36", "KEY")
    paths = [pattern.replace("UIDB36", uidb36, 1).replace("KEY", key, 1) for uidb36, key in tokens]
    if tokens and paths[0] != path(*tokens[0]):
        paths = [path(uidb36, key) for uidb36, key in tokens]
    site = site_url("")
    links = [site + each for each in paths]
    return outbox.render_many(
        [
            outbox.Draft(
                key=f"invitation:{user.pk}:course:{course.pk}",
                to=user,
                template="enrollment/mail/invitation",
                context={
                    "course": course,
                    "by": by,
                    "set_password_url": link,
                    "site_url": site + "/",
                },
            )
            for user, link in zip(users, links, strict=True)
        ],
        values={
            "full_name": lambda context: context["recipient"].full_name,
            "link": lambda context: context["set_password_url"],
        },
        masked=_masked_invitation,
    )


def _masked_invitation(context: dict, markers: dict[str, str]) -> dict:
    recipient = copy.copy(context["recipient"])
    recipient.full_name = markers["full_name"]
    return {**context, "recipient": recipient, "set_password_url": markers["link"]}


def nominees_register(
    *,
    course_id: int,
    by: User | None,
    nominees: list[Nominee],
    source: str = Registration.Source.ON_BEHALF,
    progress: Callable[[int], None] | None = None,
) -> list[Registration]:
    """Register every nominee under the seat rules, in one transaction.

    All or nothing: a row the rules refuse (not eligible, allowance used...) raises
    NomineeErrors and rolls back everything, accounts included, so an import is never half
    done. The course lock is what makes the seat decisions of the whole list consistent with
    online registrations, so it is held from the first decision to the commit; the work
    under it is a few statements for the whole list (see `register_many_locked`).
    """
    trainee_group = Group.objects.get(name=str(Role.TRAINEE))
    with transaction.atomic(durable=True):
        # Accounts and invitations first, without the course lock: they touch no seat, and
        # online registrations should wait for the lock as briefly as possible.
        accounts = _accounts_for(nominees, trainee_group=trainee_group)
        unlocked_course = Course.objects.get(pk=course_id)
        outbox.enqueue_many(
            _invitations([user for user, created in accounts if created], unlocked_course, by)
        )
        trainees = [user for user, _created in accounts]
        if progress is not None:
            progress(len(nominees) // 2)
        course = lock_course(course_id)
        unit = nominee_access(course=course, by=by)
        registrations, refusals = register_many_locked(
            course=course,
            seats=seat_state(course),
            trainees=trainees,
            by=by,
            source=source,
            nominating_unit=unit,
        )
        if refusals:
            raise NomineeErrors(  # leaving the block rolls every row back
                [
                    RowError(nominees[index].row if nominees else 0, "", " ".join(exc.messages))
                    for index, exc in sorted(refusals.items())
                ]
            )
        if progress is not None:
            progress(len(nominees))
        return registrations


def nominees_import(
    *,
    course: Course,
    by: User | None,
    rows: Iterable[RawRow],
    source: str = Registration.Source.IMPORT,
    progress: Callable[[int], None] | None = None,
    keep_existing_profiles: bool = False,
) -> list[Registration]:
    """Check all rows, then register them all; NomineeErrors lists every problem.

    Rows for existing accounts with another name or unit raise ExistingProfiles, before
    anything is saved, unless `keep_existing_profiles` says to register them with their
    accounts' own profiles: the organiser compares and chooses."""
    nominee_access(course=course, by=by)
    nominees, errors = nominees_check(course=course, rows=rows, progress=progress)
    if errors:
        raise NomineeErrors(errors, kept=nominees_profiles_kept(nominees))
    if not nominees:
        raise NomineeErrors([RowError(0, "", _("The file has no rows to import."))])
    if not keep_existing_profiles:
        kept = nominees_profiles_kept(nominees)
        if kept:
            raise ExistingProfiles(kept)
    return nominees_register(
        course_id=course.pk, by=by, nominees=nominees, source=source, progress=progress
    )
