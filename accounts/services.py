"""Writes on people and their organisations."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, Region, User
from accounts.roles import Role
from audit.models import AuditEvent
from audit.services import audit_record


def organisation_get_or_create(*, name: str, type: str, region: Region) -> Organisation:
    """The organisation called `name` in `region`; created with `type` when it is new."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Enter the name of your organisation."), code="organisation_name")
    if type not in Organisation.Type.values:
        raise ValidationError(_("Choose a valid organisation type."), code="organisation_type")
    existing = Organisation.objects.filter(name=name, region=region).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Organisation.objects.create(name=name, type=type, region=region)
    except IntegrityError:
        # Someone else created the same organisation a moment ago.
        return Organisation.objects.get(name=name, region=region)


def profile_update(
    *,
    user: User,
    full_name: str,
    phone: str,
    position: str,
    organisation_name: str,
    organisation_type: str,
    region: Region,
    preferred_language: str,
) -> User:
    """Set the personal details a trainee confirms before registering for a course.

    Confirming the profile unchanged (the usual case: the form shows the stored one) writes
    nothing.
    """
    full_name = "".join(full_name.split()) if _is_cjk(full_name) else " ".join(full_name.split())
    if not full_name:
        raise ValidationError(_("Enter your full name."), code="full_name")
    organisation = user.organisation if user.organisation_id else None
    if (
        organisation is not None
        and organisation.name == " ".join(organisation_name.split())
        and organisation.region_id == region.pk
        and organisation_type in Organisation.Type.values
        and (user.full_name, user.phone, user.position, user.preferred_language)
        == (full_name, phone.strip(), position.strip(), preferred_language)
    ):
        return user
    with transaction.atomic():
        user.full_name = full_name
        user.phone = phone.strip()
        user.position = position.strip()
        user.organisation = organisation_get_or_create(
            name=organisation_name, type=organisation_type, region=region
        )
        user.preferred_language = preferred_language
        user.full_clean(exclude=["password", "email"])
        user.save(
            update_fields=["full_name", "phone", "position", "organisation", "preferred_language"]
        )
    return user


def user_language_set(*, user: User, language: str) -> None:
    if language not in User.Language.values:
        raise ValidationError(_("This language is not available."), code="language")
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    user.preferred_language = language


def user_role_grant(*, user: User, role: Role, by: User | None = None) -> None:
    """Add the user to the role's group (idempotent)."""
    group = Group.objects.get(name=str(role))
    if not user.groups.filter(pk=group.pk).exists() and role != Role.TRAINEE:
        audit_record(
            actor=by,
            action=AuditEvent.Action.ROLE_GRANTED,
            target=user,
            details={"role": str(role)},
        )
    user.groups.add(group)
    if role == Role.ADMINISTRATOR and not user.is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True
    user.__dict__.pop("_portal_roles", None)


def _is_cjk(text: str) -> bool:
    # Chinese names carry no spaces ("张三", not "张 三"); Latin names keep theirs.
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@transaction.atomic
def user_roles_changed(*, user: User, before: set[str], after: set[str], by: User | None) -> None:
    """Record role changes made in the administration (group membership edited there)."""
    for role in sorted(after - before):
        audit_record(
            actor=by, action=AuditEvent.Action.ROLE_GRANTED, target=user, details={"role": role}
        )
    for role in sorted(before - after):
        audit_record(
            actor=by, action=AuditEvent.Action.ROLE_REVOKED, target=user, details={"role": role}
        )


@transaction.atomic
def user_deactivated(*, user: User, by: User | None) -> None:
    """Record that an administrator switched an account off.

    The person's sessions end with it: the authentication backends refuse inactive users,
    so their next request is anonymous.
    """
    audit_record(actor=by, action=AuditEvent.Action.USER_DEACTIVATED, target=user)
