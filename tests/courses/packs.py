"""A course with a reading pack covering every visibility, and its registered trainees.

The fixtures (`enrollment`, `media`, `pack`) are offered to tests/courses by its conftest.
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.roles import Role
from courses import services
from courses.models import Course, Material, ReadingPackSection
from policies.models import DocumentFile, PolicyDocument
from policies.services import document_file_add
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory
from tests.factories.enrollment import RegistrationFactory
from tests.factories.policies import IssuingAuthorityFactory, PolicyDocumentFactory
from tests.policies.files import pdf_bytes


class Enrollment:
    """Confirmed registrations written directly: `enrollment.register(user, course)`."""

    def register(self, user, course) -> None:
        RegistrationFactory(course=course, trainee=user)


@pytest.fixture
def enrollment():
    return Enrollment()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def add_pdf(document: PolicyDocument, name: str, *, by: User) -> DocumentFile:
    return document_file_add(
        document_id=document.pk,
        by=by,
        kind=DocumentFile.Kind.ORIGINAL,
        upload=SimpleUploadedFile(name, pdf_bytes(document.title), content_type="application/pdf"),
    )


def add_material(course: Course, by: User, title: str, visibility: str) -> Material:
    return services.material_upload(
        course=course,
        by=by,
        upload=SimpleUploadedFile(f"{title}.pdf", pdf_bytes(title)),
        title=title,
        visibility=visibility,
    )


@dataclass
class Pack:
    course: Course
    organiser: User
    public_doc: PolicyDocument
    trainee_doc: PolicyDocument
    staff_doc: PolicyDocument
    public_material: Material
    trainee_material: Material
    organiser_material: Material
    central: ReadingPackSection
    departmental: ReadingPackSection


def build_pack(organiser: User | None = None) -> Pack:
    """Section 中央文件: public document, trainee document, public material; section
    部门配套文件: staff document, trainee material, organisers' material."""
    organiser = organiser or UserFactory(roles=[Role.ORGANISER], full_name="组织者甲")
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    course = CourseFactory(organisers=[organiser], status=Course.Status.PUBLISHED)
    office = IssuingAuthorityFactory(name_zh="中共中央办公厅")
    ministry = IssuingAuthorityFactory(name_zh="人力资源和社会保障部")
    public_doc = PolicyDocumentFactory(
        number="中办发〔2022〕15号",
        title="关于加强新时代高技能人才队伍建设的意见",
        authorities=[office],
    )
    trainee_doc = PolicyDocumentFactory(
        number="人社部发〔2022〕14号",
        title="关于健全完善新时代技能人才职业技能等级制度的意见",
        authorities=[ministry],
        visibility=PolicyDocument.Visibility.TRAINEES,
    )
    staff_doc = PolicyDocumentFactory(
        number="人社部发〔2024〕3号",
        title="高技能人才培训基地建设项目管理办法",
        authorities=[ministry],
        visibility=PolicyDocument.Visibility.STAFF,
    )
    for document in (public_doc, trainee_doc, staff_doc):
        add_pdf(document, f"{document.title}.pdf", by=admin)
    public_material = add_material(course, organiser, "培训须知", Material.Visibility.PUBLIC)
    trainee_material = add_material(course, organiser, "专题讲座课件", Material.Visibility.TRAINEES)
    organiser_material = add_material(
        course, organiser, "组织者工作手册", Material.Visibility.ORGANISERS
    )
    central = services.pack_section_create(course=course, by=organiser, heading="中央文件")
    departmental = services.pack_section_create(
        course=course, by=organiser, heading="部门配套文件", note="配套文件，对照学习。"
    )
    services.pack_item_add(section=central, by=organiser, document=public_doc, note="重点学习")
    services.pack_item_add(section=central, by=organiser, document=trainee_doc)
    services.pack_item_add(section=central, by=organiser, material=public_material)
    services.pack_item_add(section=departmental, by=organiser, document=staff_doc)
    services.pack_item_add(section=departmental, by=organiser, material=trainee_material)
    services.pack_item_add(section=departmental, by=organiser, material=organiser_material)
    return Pack(
        course=course,
        organiser=organiser,
        public_doc=public_doc,
        trainee_doc=trainee_doc,
        staff_doc=staff_doc,
        public_material=public_material,
        trainee_material=trainee_material,
        organiser_material=organiser_material,
        central=central,
        departmental=departmental,
    )


@pytest.fixture
def pack(media) -> Pack:
    return build_pack()


ROLES = (
    "anonymous",
    "trainee",
    "registered",
    "other_organiser",
    "organiser",
    "administrator",
)


def user_for(role: str, pack: Pack, enrollment: Enrollment):
    """A user in `role` towards the pack's course (None for anonymous)."""
    if role == "anonymous":
        return None
    if role == "trainee":
        return UserFactory()
    if role == "registered":
        user = UserFactory()
        enrollment.register(user, pack.course)
        return user
    if role == "other_organiser":
        other = UserFactory(roles=[Role.ORGANISER])
        CourseFactory(organisers=[other])
        return other
    if role == "organiser":
        return pack.organiser
    return UserFactory(roles=[Role.ADMINISTRATOR])
