"""The rows of a nominee list once read, their errors, and the existing accounts they name:
a row whose account has another name or unit is listed for the organiser to decide on."""

from dataclasses import dataclass, field

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import Region, User


@dataclass
class RowError:
    row: int
    column: str  # a column key, or "" for the whole row
    message: str

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class NomineeErrors(Exception):
    """The rows are not all valid; nothing was saved. `kept` lists the rows for existing
    accounts with another name or unit, so that they are seen with the errors."""

    def __init__(self, errors: list[RowError], kept: list["ProfileKept"] | None = None):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors
        self.kept = kept or []

    def problems(self) -> list[RowError]:
        """The errors to correct (the kept rows are no error: the organiser decides)."""
        return self.errors


@dataclass
class ProfileKept:
    """A row for an existing account whose name or unit differ from the account's: the
    account keeps its own profile, and its eligibility is checked on that profile."""

    row: int
    full_name: str  # what the row says
    organisation_name: str
    account_full_name: str  # what the account has
    account_organisation: str

    @property
    def message(self) -> str:
        return _(
            "Existing account: profile kept (name %(name)s, unit %(unit)s); the account has "
            "name %(account_name)s, unit %(account_unit)s."
        ) % {
            "name": self.full_name,
            "unit": self.organisation_name,
            "account_name": self.account_full_name,
            "account_unit": self.account_organisation or "—",
        }

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "column": "",
            "message": self.message,
            "kept": {
                "full_name": self.full_name,
                "organisation_name": self.organisation_name,
                "account_full_name": self.account_full_name,
                "account_organisation": self.account_organisation,
            },
        }


class ExistingProfiles(NomineeErrors):
    """Rows for existing accounts say another name or unit; nothing was saved. Importing
    again with `keep_existing_profiles=True` registers them with their accounts' profiles."""

    def __init__(self, kept: list[ProfileKept]):
        super().__init__([RowError(each.row, "", each.message) for each in kept], kept=kept)

    def problems(self) -> list[RowError]:
        return []


@dataclass
class Nominee:
    row: int
    email: str
    full_name: str
    phone: str
    organisation_name: str
    organisation_type: str
    region: Region
    position: str = ""
    user: User | None = field(default=None, repr=False)


def _same_text(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def nominees_profiles_kept(nominees: list[Nominee]) -> list[ProfileKept]:
    """The rows for existing accounts whose name or unit differ from the account's. An
    account without a unit takes the row's, so only its name is compared."""
    existing = existing_accounts([nominee.email for nominee in nominees])
    kept = []
    for nominee in nominees:
        user = existing.get(nominee.email)
        if user is None:
            continue
        unit = user.organisation.name if user.organisation else ""
        same_unit = user.organisation is None or _same_text(unit, nominee.organisation_name)
        if not (same_unit and _same_text(user.full_name, nominee.full_name)):
            kept.append(
                ProfileKept(
                    row=nominee.row,
                    full_name=nominee.full_name,
                    organisation_name=nominee.organisation_name,
                    account_full_name=user.full_name,
                    account_organisation=unit,
                )
            )
    return kept


def existing_accounts(emails: list[str]) -> dict[str, User]:
    """The accounts of these lower-case addresses by address, in one query per thousand; of
    two accounts whose addresses differ only in case, the first by name."""
    existing: dict[str, User] = {}
    for start in range(0, len(emails), 1000):
        for found in (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails[start : start + 1000])
            .select_related("organisation")
            .order_by("full_name", "pk")
        ):
            existing.setdefault(found.email_lower, found)
    return existing
