"""People, the units they belong to, and the regions those units are in."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# PostgreSQL's ICU collation that sorts Chinese text in pinyin order.
PINYIN_COLLATION = "zh-x-icu"

mobile_validator = RegexValidator(
    r"^1\d{10}$",
    message=_("Enter an 11-digit mobile number starting with 1."),
    code="invalid_mobile",
)


class Region(models.Model):
    """A province-level division of China, or "other / abroad"."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        AUTONOMOUS_REGION = "autonomous_region", _("Autonomous region")
        MUNICIPALITY = "municipality", _("Municipality")
        SAR = "sar", _("Special administrative region")
        OTHER = "other", _("Other")

    code = models.CharField(pgettext_lazy("region", "code"), max_length=8, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=40, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, unique=True)
    kind = models.CharField(pgettext_lazy("region", "kind"), max_length=20, choices=Kind.choices)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Organisation(models.Model):
    """A trainee's unit: a department, bureau, industry body, enterprise, school..."""

    class Type(models.TextChoices):
        MINISTRY = "ministry", _("Ministry or national body")
        PROVINCIAL_DEPARTMENT = "provincial_department", _("Provincial department")
        CITY_BUREAU = "city_bureau", _("City bureau")
        INDUSTRY_BODY = "industry_body", _("Industry body")
        ENTERPRISE = "enterprise", _("Enterprise")
        TECHNICAL_SCHOOL = "technical_school", _("Technical school")
        OTHER = "other", _("Other")

    name = models.CharField(
        pgettext_lazy("organisation", "name"), max_length=200, db_collation=PINYIN_COLLATION
    )
    type = models.CharField(
        pgettext_lazy("organisation", "type"), max_length=30, choices=Type.choices
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["region__sort_order", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "region"], name="organisation_unique_name_per_region"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who uses the portal. Logs in with an e-mail address."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    # Chinese names are written surname first, without a space; sorted in pinyin order.
    full_name = models.CharField(
        pgettext_lazy("person", "full name"), max_length=100, db_collation=PINYIN_COLLATION
    )
    phone = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[mobile_validator]
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the administration site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = pgettext_lazy("account", "user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_unique_email_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name
