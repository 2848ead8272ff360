import datetime
import zoneinfo

import factory
from django.utils import timezone

from accounts.roles import Role
from courses.models import (
    Course,
    DiscussionGroup,
    ReadingPackItem,
    ReadingPackSection,
    Session,
    Speaker,
)
from tests.factories.accounts import UserFactory, region

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hhmm: str) -> datetime.datetime:
    """An aware datetime at wall-clock `hhmm` in Beijing time."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


class CourseFactory(factory.django.DjangoModelFactory):
    """A complete draft two weeks ahead; `status=Course.Status.PUBLISHED` for a published one.

    Organisers: `organisers=[user]`; by default a fresh organiser.
    """

    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"测试培训班{n}")
    summary = "面向各省人社部门的政策培训"
    description = "## 培训内容\n\n政策解读与经验交流。"
    category = Course.Category.POLICY
    venue = "培训中心报告厅"
    city = "北京"
    region = factory.LazyFunction(lambda: region("11"))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=2))
    registration_opens_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=1)
    )
    registration_closes_at = factory.LazyAttribute(lambda o: at(o.starts_on, "00:00"))
    capacity = 100
    status = Course.Status.DRAFT

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if not create:
            return
        users = extracted if extracted is not None else [UserFactory(roles=[Role.ORGANISER])]
        self.organisers.set(users)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"专家{n}")
    title = "研究员"
    organisation = "中国劳动和社会保障科学研究院"


class DiscussionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscussionGroup

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"第{n}组")
    room = factory.Sequence(lambda n: f"讨论室{n}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    kind = Session.Kind.LECTURE
    title = factory.Sequence(lambda n: f"专题讲座{n}")
    starts_at = factory.LazyAttribute(lambda o: at(o.course.starts_on, "09:00"))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=90))
    room = "报告厅"

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create and extracted:
            self.speakers.set(extracted)


class ReadingPackSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingPackSection

    course = factory.SubFactory(CourseFactory)
    heading = factory.Sequence(lambda n: f"文件汇编第{n}部分")
    order = factory.Sequence(lambda n: n)


class ReadingPackItemFactory(factory.django.DjangoModelFactory):
    """An item of a section; pass `document=...` or `material=...` (exactly one)."""

    class Meta:
        model = ReadingPackItem

    section = factory.SubFactory(ReadingPackSectionFactory)
    order = factory.Sequence(lambda n: n)
