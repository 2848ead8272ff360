import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import Organisation, Region, User
from accounts.roles import Role


def region(code: str = "11") -> Region:
    """Regions are loaded by a migration; tests pick them by code."""
    return Region.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name", "region")

    name = factory.Sequence(lambda n: f"测试单位{n}")
    type = Organisation.Type.PROVINCIAL_DEPARTMENT
    region = factory.LazyFunction(lambda: region("11"))


class UserFactory(factory.django.DjangoModelFactory):
    """A verified trainee with an organisation; `roles=[Role.ORGANISER]` adds roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    full_name = factory.Sequence(lambda n: f"测试{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
            self.groups.add(Group.objects.get(name=Role.TRAINEE))

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=str(role)))
            if role == Role.ADMINISTRATOR:
                self.is_staff = True
                self.save(update_fields=["is_staff"])
