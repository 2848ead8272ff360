"""The two demo courses of the domain notes, complete with timetable, speakers and groups.

Idempotent: a course whose title exists already is left alone. Built through the services, so
the demo data obeys the same rules (rooms, dates, quotas) as data entered in the browser.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organisation, Region, User
from courses import services
from courses.demo_content import (
    DESCRIPTION_A,
    DESCRIPTION_B,
    LECTURES_A,
    PACK_A,
    PACK_B,
    SPEAKERS_A,
    SPEAKERS_B,
)
from courses.models import Course, Material, Session, Speaker
from courses.services.common import lock_course

ORGANISER_EMAIL = "organiser@example.cn"
TITLE_A = "全国高技能人才政策培训班"
TITLE_B = "产教融合校企双制试点工作培训班"
HALL = "一楼报告厅"


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


def _session(course, by, day, start, end, kind, title, room="", speakers=(), group=None, order=0):
    tz = course.tz
    return services.session_create(
        course=course,
        by=by,
        kind=kind,
        title=title,
        starts_at=_at(day, start, tz),
        ends_at=_at(day, end, tz),
        room=room,
        speakers=speakers,
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


def _course_a(by: User, today: datetime.date) -> Course:
    # A Monday about three weeks ahead, so registration is open now.
    start = today + datetime.timedelta(days=21)
    start += datetime.timedelta(days=(7 - start.weekday()) % 7)
    tz = Course(time_zone="Asia/Shanghai").tz
    beijing = Region.objects.get(code="11")
    course = services.course_create(
        by=by,
        data={
            "title": TITLE_A,
            "summary": "解读《关于加强新时代高技能人才队伍建设的意见》（第15号文件），"
            "面向各省人社部门、地级市人社局、行业企业和技工院校的负责同志。",
            "description": DESCRIPTION_A,
            "category": Course.Category.POLICY,
            "hosts": "人力资源和社会保障部职业能力建设司",
            "venue": "人力资源和社会保障部干部教育培训中心",
            "city": "北京",
            "region": beijing,
            "starts_on": start,
            "ends_on": start + datetime.timedelta(days=4),
            "registration_opens_at": _at(today - datetime.timedelta(days=7), "09:00", tz),
            "registration_closes_at": _at(start - datetime.timedelta(days=3), "18:00", tz),
            "capacity": 520,
            "requires_approval": True,
            "eligible_organisation_types": [],
            "language": Course.Language.ZH_HANS,
            "contact_name": "王组织",
            "contact_phone": "010-84201234",
            "contact_email": ORGANISER_EMAIL,
        },
    )
    hosts = Organisation.objects.filter(name="人力资源和社会保障部", region=beijing)
    course.host_organisations.set(hosts)
    with transaction.atomic():
        # A new draft: nobody holds a seat yet.
        services.quota_set_locked(
            course=lock_course(course.pk),
            seats_by_region={
                region.pk: seats
                for code, seats in (("32", 30), ("44", 30), ("37", 25), ("33", 25), ("41", 20))
                for region in Region.objects.filter(code=code)
            },
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
    speakers = _speakers(by, SPEAKERS_A)
    day = [start + datetime.timedelta(days=offset) for offset in range(5)]
    lectures = iter(LECTURES_A)
    kinds = Session.Kind

    def lecture(on, start_time, end_time):
        key, title = next(lectures)
        _session(course, by, on, start_time, end_time, kinds.LECTURE, title, HALL, [speakers[key]])

    _session(course, by, day[0], "09:00", "09:30", kinds.OPENING, "开班仪式", HALL)
    _session(
        course, by, day[0], "09:30", "10:10", kinds.SPEECH, "开班讲话",
        HALL, [speakers["vice_minister"]],
    )  # fmt: skip
    _session(
        course, by, day[0], "10:20", "11:00", kinds.SPEECH, "加强新时代高技能人才队伍建设的形势与任务",
        HALL, [speakers["deputy_director"]],
    )  # fmt: skip
    lecture(day[0], "14:00", "15:30")
    lecture(day[0], "15:45", "17:15")
    lecture(day[1], "09:00", "10:30")
    lecture(day[1], "10:45", "12:15")
    _session(
        course, by, day[1], "14:00", "17:00", kinds.CLASSROOM, "课堂学习：政策文件汇编研读", HALL
    )
    lecture(day[2], "09:00", "10:30")
    lecture(day[2], "10:45", "12:15")
    _session(course, by, day[2], "14:00", "17:00", kinds.SELF_STUDY, "个人自学", "学员宿舍")
    lecture(day[3], "09:00", "10:30")
    lecture(day[3], "10:45", "12:15")
    for order, group in enumerate(groups):
        _session(
            course, by, day[3], "14:00", "17:00", kinds.GROUP_DISCUSSION,
            f"分组讨论：交流实践经验与问题（{group.name.split('：')[0]}）",
            group.room, group=group, order=order,
        )  # fmt: skip
    lecture(day[4], "08:30", "10:00")
    lecture(day[4], "10:10", "11:10")
    _session(
        course,
        by,
        day[4],
        "11:15",
        "12:15",
        kinds.QA,
        "集中答疑",
        HALL,
        [speakers["l1"], speakers["l2"]],
    )
    _session(
        course, by, day[4], "14:00", "15:30", kinds.SEMINAR, "座谈交流：各地贯彻落实思路", HALL
    )
    _session(course, by, day[4], "15:45", "16:30", kinds.CLOSING, "结业式", HALL, [speakers["l1"]])
    _materials_a(course, by)
    return services.course_publish(course=course, by=by)


def _course_b(by: User, today: datetime.date) -> Course:
    year = today.year if today < datetime.date(today.year, 11, 10) else today.year + 1
    first = datetime.date(year, 11, 10)
    tz = Course(time_zone="Asia/Shanghai").tz
    beijing = Region.objects.get(code="11")
    deadline = first - datetime.timedelta(days=10)
    closes = _at(deadline, "18:00", tz) if deadline > today else _at(first, "08:00", tz)
    course = services.course_create(
        by=by,
        data={
            "title": TITLE_B,
            "summary": "解读发改振兴〔2015〕2103号文件确定的产教融合校企双制试点方案，交流试点工作经验。",
            "description": DESCRIPTION_B,
            "category": Course.Category.PILOT,
            "hosts": "人力资源和社会保障部职业能力建设司",
            "venue": "北京会议中心",
            "city": "北京",
            "region": beijing,
            "starts_on": first,
            "ends_on": first + datetime.timedelta(days=1),
            "registration_opens_at": _at(today, "00:00", tz),
            "registration_closes_at": closes,
            "capacity": 80,
            "requires_approval": True,
            "eligible_organisation_types": [
                Organisation.Type.MINISTRY,
                Organisation.Type.PROVINCIAL_DEPARTMENT,
                Organisation.Type.CITY_BUREAU,
                Organisation.Type.OTHER,
            ],
            "language": Course.Language.ZH_HANS,
            "contact_name": "王组织",
            "contact_phone": "010-84205678",
            "contact_email": ORGANISER_EMAIL,
        },
    )
    course.host_organisations.set(
        Organisation.objects.filter(name="人力资源和社会保障部", region=beijing)
    )
    speakers = _speakers(by, SPEAKERS_B)
    second = first + datetime.timedelta(days=1)
    room = "第一会议室"
    kinds = Session.Kind
    _session(
        course,
        by,
        first,
        "09:00",
        "09:20",
        kinds.OPENING,
        "开班仪式（副巡视员主持）",
        room,
        [speakers["inspector"]],
    )
    _session(
        course,
        by,
        first,
        "09:20",
        "10:20",
        kinds.SPEECH,
        "司长讲话：扎实推进产教融合校企双制试点",
        room,
        [speakers["director"]],
    )
    _session(
        course,
        by,
        first,
        "10:40",
        "12:00",
        kinds.LECTURE,
        "专家辅导：试点方案解读",
        room,
        [speakers["e1"]],
    )
    _session(
        course,
        by,
        first,
        "14:00",
        "15:30",
        kinds.LECTURE,
        "专家辅导：校企双制人才培养模式",
        room,
        [speakers["e2"]],
    )
    _session(
        course,
        by,
        first,
        "15:45",
        "17:00",
        kinds.LECTURE,
        "专家辅导：开发性金融支持试点项目",
        room,
        [speakers["e3"]],
    )
    _session(
        course,
        by,
        second,
        "09:00",
        "10:30",
        kinds.LECTURE,
        "专家辅导：德国双元制经验借鉴",
        room,
        [speakers["e4"]],
    )
    _session(course, by, second, "10:45", "11:45", kinds.SEMINAR, "试点省市交流发言", room)
    _session(
        course,
        by,
        second,
        "11:45",
        "12:15",
        kinds.CLOSING,
        "总结讲话",
        room,
        [speakers["director"]],
    )
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
    pack_items = 0
    for title, spec in ((TITLE_A, PACK_A), (TITLE_B, PACK_B)):
        course = Course.objects.filter(title=title).first()
        if course is not None:
            with transaction.atomic():
                pack_items += _reading_pack(course, organiser, spec)
    if stdout:
        stdout.write(f"courses: {created} new demo courses, {pack_items} new reading-pack items")
    return {"courses": created, "pack_items": pack_items}


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
