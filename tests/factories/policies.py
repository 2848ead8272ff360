import datetime

import factory
from django.utils import timezone

from policies.models import DocumentAuthority, DocumentRelation, IssuingAuthority, PolicyDocument
from policies.numbers import number_parts


class IssuingAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssuingAuthority
        django_get_or_create = ("name_zh",)

    name_zh = factory.Sequence(lambda n: f"测试部委{n}")
    name_en = factory.Sequence(lambda n: f"Test Ministry {n}")
    short_name = factory.Sequence(lambda n: f"测{n}")


class PolicyDocumentFactory(factory.django.DjangoModelFactory):
    """A published public document; `authorities=[...]` sets its issuing bodies in order."""

    class Meta:
        model = PolicyDocument
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"关于测试政策的通知{n}")
    number = factory.Sequence(lambda n: f"测试发〔2020〕{n + 1}号")
    issue_date = datetime.date(2020, 5, 1)
    is_published = True
    published_at = factory.LazyFunction(timezone.now)
    visibility = PolicyDocument.Visibility.PUBLIC

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.update(number_parts(kwargs.get("number", "")))
        if not kwargs.get("is_published"):
            kwargs["published_at"] = None
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def authorities(self, create, extracted, **kwargs):
        if not create:
            return
        for position, authority in enumerate(extracted or [IssuingAuthorityFactory()]):
            DocumentAuthority.objects.create(document=self, authority=authority, position=position)


def relate(source: PolicyDocument, target: PolicyDocument, kind: str) -> DocumentRelation:
    return DocumentRelation.objects.create(source=source, target=target, kind=kind)
