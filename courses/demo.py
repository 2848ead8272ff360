"""The two demo courses of the domain notes, complete with timetable, speakers and groups.

Idempotent: a course whose title exists already is left alone. Built through the services, so
the demo data obeys the same rules (rooms, dates, quotas) as data entered in the browser.
"""

import datetime
import io
from dataclasses import dataclass, replace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organisation, Region, User
from courses import services
from courses.demo_content import (
    DESCRIPTION_A,
    DESCRIPTION_B,
    PACK_A,
    PACK_B,
    SPEAKERS_A,
    SPEAKERS_B,
    TIMETABLE_A,
    TIMETABLE_B,
    Slot,
)
from courses.models import Course, CourseCheckinStaff, Material, Session, Speaker
from courses.quotas import QuotaKey
from courses.services.common import lock_course

ORGANISER_EMAIL = "organiser@example.cn"
# Check-in staff of course B only, assigned by its organiser (the account: accounts demo).
CHECKIN_B_EMAIL = "checkin-b@example.cn"
TITLE_A = "全国高技能人才政策培训班"
TITLE_B = "老工业基地产业转型技术技能人才双元培育改革试点工作培训班"


def _at(day: datetime.date, hhmm: str, tz) -> datetime.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), tz)


def _speakers(by: User, table: dict) -> dict[str, Speaker]:
    result = {}
    for key, (name, title, organisation) in table.items():
        speaker = Speaker.objects.filter(name=name, organisation=organisation).first()
        if speaker is None:
            speaker = services.speaker_create(
                by=by, name=name, title=title, organisation=organisation
            )
        result[key] = speaker
    return result


@dataclass(frozen=True)
class _Timetable:
    """A demo course's sessions, added through the service as its organiser."""

    course: Course
    by: User
    speakers: dict[str, Speaker]

    def add(self, first_day: datetime.date, slots: list[Slot], groups=()) -> None:
        """Every slot in order; a slot titled with "{group}" once per group."""
        for slot in slots:
            day = first_day + datetime.timedelta(days=slot.day)
            if "{group}" not in slot.title:
                self._session(day, slot)
                continue
            for order, group in enumerate(groups):
                title = slot.title.format(group=group.name.split("：")[0])
                self._session(day, replace(slot, title=title, room=group.room), group, order)

    def _session(self, day: datetime.date, slot: Slot, group=None, order: int = 0) -> Session:
        tz = self.course.tz
        return services.session_create(
            course=self.course,
            by=self.by,
            kind=slot.kind,
            title=slot.title,
            starts_at=_at(day, slot.start, tz),
            ends_at=_at(day, slot.end, tz),
            room=slot.room,
            speakers=[self.speakers[key] for key in slot.speakers],
            discussion_group=group,
            order=order,
        )


def _slides_pdf(title: str, lines: list[str]) -> bytes:
    """A small PDF with Chinese text, in the portal's embedded fonts."""
    from portal import pdf_fonts

    buffer = io.BytesIO()
    pdf = pdf_fonts.canvas(buffer)
    pdf.setTitle(title)
    pdf_fonts.draw(pdf, 60, 760, title, 22)
    for number, line in enumerate(lines):
        pdf_fonts.draw(pdf, 60, 710 - 28 * number, line, 14)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _materials_a(course: Course, by: User) -> None:
    services.material_upload(
        course=course,
        by=by,
        upload=SimpleUploadedFile(
            "培训须知.pdf",
            _slides_pdf("培训须知", ["报到时间：开班前一日 14:00–20:00", "请携带本人身份证件"]),
        ),
        title="培训须知",
        visibility=Material.Visibility.PUBLIC,
    )
    for session in course.sessions.filter(kind=Session.Kind.LECTURE).prefetch_related("speakers"):
        speaker = session.speakers.first()
        services.material_upload(
            course=course,
            by=by,
            upload=SimpleUploadedFile(
                f"{session.title}.pdf",
                _slides_pdf(session.title[:24], [f"主讲人：{speaker}", "课件仅供培训学员学习使用"]),
            ),
            title=f"课件：{session.title}",
            visibility=Material.Visibility.TRAINEES,
            session=session,
        )


def _course_data(**particulars) -> dict:
    """A demo course's data for `course_create`: what both courses share, then `particulars`."""
    return {
        "hosts": "人力资源和社会保障部职业能力建设司",
        "city": "北京",
        "region": Region.objects.get(code="11"),
        "requires_approval": True,
        "language": Course.Language.ZH_HANS,
        "contact_name": "王组织",
        "contact_email": ORGANISER_EMAIL,
        **particulars,
    }


def _ministry_hosts(course: Course, name: str = "人力资源和社会保障部") -> None:
    course.host_organisations.set(
        Organisation.objects.filter(name=name, region_id=course.region_id)
    )


def _quotas_a() -> dict[QuotaKey, int]:
    """Course A's seats as the organisers share them out: by organisation type (two per
    industry body and enterprise, the city bureaus, technical schools and ministries) and for
    five provinces that register eagerly, whose trainees count against their province's quota;
    the provincial departments of the other provinces share the open seats."""
    quotas = {
        QuotaKey(organisation_type=type_): seats
        for type_, seats in (
            (Organisation.Type.MINISTRY, 12),
            (Organisation.Type.CITY_BUREAU, 92),
            (Organisation.Type.INDUSTRY_BODY, 24),
            (Organisation.Type.ENTERPRISE, 32),
            (Organisation.Type.TECHNICAL_SCHOOL, 152),
        )
    }
    for code, seats in (("32", 30), ("44", 22), ("37", 25), ("33", 25), ("41", 20)):
        for region in Region.objects.filter(code=code):
            quotas[QuotaKey(region.pk)] = seats
    return quotas


def _course_a(by: User, today: datetime.date) -> Course:
    # A Monday about three weeks ahead, so registration is open now.
    start = today + datetime.timedelta(days=21)
    start += datetime.timedelta(days=(7 - start.weekday()) % 7)
    tz = Course(time_zone="Asia/Shanghai").tz
    course = services.course_create(
        by=by,
        data=_course_data(
            title=TITLE_A,
            summary="解读《关于加强新时代高技能人才队伍建设的意见》（第15号文件），"
            "面向各省人社部门、地级市人社局、行业企业和技工院校的负责同志。",
            description=DESCRIPTION_A,
            category=Course.Category.POLICY,
            venue="人力资源和社会保障部干部教育培训中心",
            starts_on=start,
            ends_on=start + datetime.timedelta(days=4),
            registration_opens_at=_at(today - datetime.timedelta(days=7), "09:00", tz),
            registration_closes_at=_at(start - datetime.timedelta(days=3), "18:00", tz),
            capacity=520,
            eligible_organisation_types=[],
            contact_phone="010-84201234",
        ),
    )
    _ministry_hosts(course)
    with transaction.atomic():
        # A new draft: nobody holds a seat yet.
        services.quota_set_locked(
            course=lock_course(course.pk),
            seats=_quotas_a(),
            seats_held={},
        )
    groups = [
        services.group_create(course=course, by=by, name=name, facilitator=facilitator, room=room)
        for name, facilitator, room in (
            ("第一组：省级人社部门", "王海涛", "第一讨论室（二楼201）"),
            ("第二组：市级人社部门与行业企业", "李文博", "第二讨论室（二楼202）"),
            ("第三组：技工院校", "杨振华", "第三讨论室（二楼203）"),
        )
    ]
    _Timetable(course, by, _speakers(by, SPEAKERS_A)).add(start, TIMETABLE_A, groups)
    _materials_a(course, by)
    return services.course_publish(course=course, by=by)


def _course_b(by: User, today: datetime.date) -> Course:
    year = today.year if today < datetime.date(today.year, 11, 10) else today.year + 1
    first = datetime.date(year, 11, 10)
    tz = Course(time_zone="Asia/Shanghai").tz
    deadline = first - datetime.timedelta(days=10)
    closes = _at(deadline, "18:00", tz) if deadline > today else _at(first, "08:00", tz)
    course = services.course_create(
        by=by,
        data=_course_data(
            title=TITLE_B,
            summary=(
                "深入解读《老工业基地产业转型技术技能人才双元培育改革试点方案》"
                "（发改振兴〔2015〕2103号），交流试点工作经验。"
            ),
            description=DESCRIPTION_B,
            category=Course.Category.PILOT,
            venue="北京会议中心",
            starts_on=first,
            ends_on=first + datetime.timedelta(days=1),
            registration_opens_at=_at(today, "00:00", tz),
            registration_closes_at=closes,
            capacity=80,
            eligible_organisation_types=[
                Organisation.Type.MINISTRY,
                Organisation.Type.PROVINCIAL_DEPARTMENT,
                Organisation.Type.CITY_BUREAU,
                Organisation.Type.OTHER,
            ],
            contact_phone="010-84205678",
        ),
    )
    _ministry_hosts(course, "国家发展和改革委员会")
    _Timetable(course, by, _speakers(by, SPEAKERS_B)).add(first, TIMETABLE_B)
    return services.course_publish(course=course, by=by)


def _pack_material(course: Course, by: User, title: str) -> Material | None:
    material = course.materials.filter(title=title).first()
    if material is None and title.startswith("中央领导同志"):
        material = services.material_upload(
            course=course,
            by=by,
            upload=SimpleUploadedFile(
                f"{title}.pdf", _slides_pdf(title[:24], ["学习材料", "（演示文件，内容为示意。）"])
            ),
            title=title,
            visibility=Material.Visibility.TRAINEES,
        )
    return material


def _reading_pack(course: Course, by: User, spec: list) -> int:
    """The course's reading pack, when it has none yet; documents missing from the library
    (the policies demo did not run) are skipped."""
    from policies.models import PolicyDocument

    if course.pack_sections.exists() or not course.is_editable:
        return 0
    added = 0
    for heading, note, entries in spec:
        section = services.pack_section_create(course=course, by=by, heading=heading, note=note)
        for reference, item_note in entries:
            if reference.startswith("material:"):
                material = _pack_material(course, by, reference.removeprefix("material:"))
                if material is not None:
                    services.pack_item_add(
                        section=section, by=by, material=material, note=item_note
                    )
                    added += 1
                continue
            document = PolicyDocument.objects.filter(number=reference, is_published=True).first()
            if document is not None:
                services.pack_item_add(section=section, by=by, document=document, note=item_note)
                added += 1
    return added


def seed(*, stdout=None) -> dict[str, int]:
    organiser = User.objects.filter(email=ORGANISER_EMAIL).first()
    if organiser is None:
        if stdout:
            stdout.write("courses: no demo organiser; run the accounts demo first")
        return {"courses": 0}
    today = timezone.localdate()
    created = 0
    for title, build in ((TITLE_A, _course_a), (TITLE_B, _course_b)):
        if Course.objects.filter(title=title).exists():
            continue
        with transaction.atomic():
            build(organiser, today)
        created += 1
    _checkin_staff_of_course_b(organiser)
    pack_items = 0
    for title, spec in ((TITLE_A, PACK_A), (TITLE_B, PACK_B)):
        course = Course.objects.filter(title=title).first()
        if course is not None:
            with transaction.atomic():
                pack_items += _reading_pack(course, organiser, spec)
    if stdout:
        stdout.write(f"courses: {created} new demo courses, {pack_items} new reading-pack items")
    return {"courses": created, "pack_items": pack_items}


def _checkin_staff_of_course_b(organiser: User) -> None:
    staff = User.objects.filter(email=CHECKIN_B_EMAIL).first()
    course = Course.objects.filter(title=TITLE_B).first()
    if staff is not None and course is not None:
        CourseCheckinStaff.objects.get_or_create(
            course=course, user=staff, defaults={"added_by": organiser}
        )


COURSE_A_OVER_HELP = (
    "Move demo course A into the past (its last session ended yesterday) and fill in what "
    "follows it: attendance, the published FAQ and survey responses."
)


def course_a_over(*, stdout=None) -> int:
    """`seed_demo --course-a-over`: course A as it is after its last session."""
    days = move_course_into_past()
    if stdout:
        stdout.write(f"courses: course A moved {days} days into the past")
    return days


def move_course_into_past(title: str = TITLE_A) -> int:
    """Move a demo course back by whole days so that its last session ended yesterday, to show
    what follows a course (attendance, the FAQ, survey results). Returns the days moved; 0 when
    it is already over or missing. Used by `seed_demo --course-a-over`."""
    from courses.caching import bump_version

    course = Course.objects.filter(title=title).first()
    last = Session.objects.filter(course=course).order_by("-ends_at").first() if course else None
    if last is None:
        return 0
    yesterday = timezone.localdate(timezone=course.tz) - datetime.timedelta(days=1)
    days = (timezone.localtime(last.ends_at, course.tz).date() - yesterday).days
    if days <= 0:
        return 0
    delta = datetime.timedelta(days=days)
    with transaction.atomic():
        Session.objects.filter(course=course).update(
            starts_at=F("starts_at") - delta, ends_at=F("ends_at") - delta
        )
        Course.objects.filter(pk=course.pk).update(
            starts_on=F("starts_on") - delta,
            ends_on=F("ends_on") - delta,
            registration_opens_at=F("registration_opens_at") - delta,
            registration_closes_at=F("registration_closes_at") - delta,
        )
    bump_version()
    return days
