"""A small demo library: "Document No. 15" of course A and its supporting documents, the
pilot programme of course B with its four issuing bodies, and amended and repealed ones.

Idempotent: documents are keyed by their number; files are generated (small PDFs with the
built-in CJK font, so no font file is needed) only for documents that have none.
"""

import datetime
import io
import textwrap
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import User
from policies.models import DocumentFile, IssuingAuthority, PolicyDocument
from policies.services import (
    DocumentData,
    document_create,
    document_file_add,
    document_file_extract_text,
)

AUTHORITIES = [
    # Chinese name, English name, short name
    ("中共中央办公厅", "General Office of the CPC Central Committee", "中办"),
    ("国务院办公厅", "General Office of the State Council", "国办"),
    ("国务院", "State Council", "国"),
    ("人力资源和社会保障部", "Ministry of Human Resources and Social Security", "人社部"),
    ("国家发展和改革委员会", "National Development and Reform Commission", "发改"),
    ("教育部", "Ministry of Education", "教"),
    ("财政部", "Ministry of Finance", "财"),
    ("国家开发银行", "China Development Bank", "国开行"),
]

Doc = PolicyDocument
DOCUMENTS: list[dict[str, Any]] = [
    {
        "number": "中办发〔2006〕15号",
        "title": "关于进一步加强高技能人才工作的意见",
        "title_en": "Opinions on Further Strengthening the Work on High-Skilled Personnel",
        "authorities": ["中共中央办公厅", "国务院办公厅"],
        "issue_date": datetime.date(2006, 4, 18),
        "category": Doc.Category.OPINION,
        "tags": ["高技能人才"],
        "summary": "提出加快高技能人才培养体系建设，完善高技能人才评价、使用和激励机制。",
    },
    {
        "number": "中办发〔2022〕15号",
        "title": "关于加强新时代高技能人才队伍建设的意见",
        "title_en": "Opinions on Strengthening the Development of High-Skilled Personnel in the New Era",
        "authorities": ["中共中央办公厅", "国务院办公厅"],
        "issue_date": datetime.date(2022, 10, 7),
        "effective_date": datetime.date(2022, 10, 7),
        "category": Doc.Category.OPINION,
        "tags": ["高技能人才", "技能人才评价", "职业技能等级"],
        "summary": (
            "“15号文件”。明确新时代高技能人才队伍建设的目标任务：构建以行业企业为主体、"
            "职业学校为基础、政府推动与社会支持相结合的高技能人才培养体系，"
            "健全技能人才评价、使用和激励机制。"
        ),
        "replaces": ["中办发〔2006〕15号"],
    },
    {
        "number": "人社部发〔2019〕101号",
        "title": "技能人才职业技能等级认定暂行办法",
        "title_en": "Interim Measures for Vocational Skill Level Recognition of Skilled Personnel",
        "authorities": ["人力资源和社会保障部"],
        "issue_date": datetime.date(2019, 9, 20),
        "category": Doc.Category.MEASURES,
        "tags": ["职业技能等级"],
        "summary": "规定职业技能等级认定机构的备案、认定程序和证书管理。",
    },
    {
        "number": "人社部发〔2022〕14号",
        "title": "关于健全完善新时代技能人才职业技能等级制度的意见（试行）",
        "title_en": "Opinions on Improving the Vocational Skill Level System for Skilled Personnel in the New Era (Trial)",
        "authorities": ["人力资源和社会保障部"],
        "issue_date": datetime.date(2022, 3, 15),
        "category": Doc.Category.OPINION,
        "tags": ["职业技能等级", "技能人才评价"],
        "summary": "在原有五级技能等级基础上，增设特级技师和首席技师，形成“新八级工”职业技能等级序列。",
        "amends": ["人社部发〔2019〕101号"],
        "visibility": Doc.Visibility.TRAINEES,
    },
    {
        "number": "人社部发〔2021〕48号",
        "title": "“技能中国行动”实施方案",
        "title_en": "Implementation Plan of the Skills China Action",
        "authorities": ["人力资源和社会保障部", "财政部"],
        "issue_date": datetime.date(2021, 6, 30),
        "category": Doc.Category.PLAN,
        "tags": ["高技能人才", "职业技能培训"],
        "summary": "“十四五”期间新增技能人才4000万人以上，技能人才占就业人员比例达到30%。",
    },
    {
        "number": "人社部发〔2023〕7号",
        "title": "关于实施高技能领军人才培育计划的通知",
        "title_en": "Notice on Implementing the Programme for Cultivating Leading High-Skilled Talents",
        "authorities": ["人力资源和社会保障部", "财政部"],
        "issue_date": datetime.date(2023, 2, 10),
        "category": Doc.Category.NOTICE,
        "tags": ["高技能人才"],
        "summary": "支持建设高技能人才培训基地和技能大师工作室，培育高技能领军人才。",
        "visibility": Doc.Visibility.TRAINEES,
    },
    {
        "number": "发改振兴〔2015〕2103号",
        "title": "关于印发《老工业基地产业转型技术技能人才双元培育改革试点方案》的通知",
        "title_en": (
            "Notice on Issuing the Pilot Programme for Dual-Track (School and Enterprise) "
            "Training of Technical and Skilled Personnel for the Industrial Transformation of "
            "Old Industrial Bases"
        ),
        "authorities": ["国家发展和改革委员会", "教育部", "人力资源和社会保障部", "国家开发银行"],
        "issue_date": datetime.date(2015, 9, 21),
        "category": Doc.Category.NOTICE,
        "tags": ["双元培育", "职业教育", "校企合作"],
        "summary": (
            "在老工业基地城市开展技术技能人才双元培育改革试点，"
            "推动学校与企业共同制定培养方案、共同实施教学，国家开发银行提供融资支持。"
        ),
    },
    {
        "number": "国发〔2014〕19号",
        "title": "关于加快发展现代职业教育的决定",
        "title_en": "Decision on Accelerating the Development of Modern Vocational Education",
        "authorities": ["国务院"],
        "issue_date": datetime.date(2014, 5, 2),
        "category": Doc.Category.OPINION,
        "tags": ["职业教育", "校企合作"],
        "summary": "到2020年形成适应发展需求、产教深度融合的现代职业教育体系。",
    },
    {
        "number": "人社部发〔2024〕3号",
        "title": "高技能人才培训基地建设项目管理办法（征求意见稿）",
        "title_en": "Measures for Managing High-Skilled Personnel Training Base Projects (Draft)",
        "authorities": ["人力资源和社会保障部"],
        "issue_date": datetime.date(2024, 1, 12),
        "category": Doc.Category.MEASURES,
        "tags": ["高技能人才"],
        "summary": "征求意见稿，仅供主办方内部讨论。",
        "visibility": Doc.Visibility.STAFF,
        "draft": True,
    },
]


def demo_pdf(*, title: str, number: str, authorities: list[str], summary: str) -> bytes:
    """A one-page PDF in Chinese, in the portal's embedded fonts."""
    from reportlab.lib.pagesizes import A4

    from portal import pdf_fonts

    buffer = io.BytesIO()
    pdf = pdf_fonts.canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    width, height = A4
    pdf_fonts.draw_centred(pdf, width / 2, height - 90, "　".join(authorities), 11)
    pdf_fonts.draw_centred(pdf, width / 2, height - 110, number, 11)
    y = height - 150
    for line in textwrap.wrap(title, 24):
        pdf_fonts.draw_centred(pdf, width / 2, y, line, 16)
        y -= 24
    y -= 12
    for line in textwrap.wrap(summary, 38):
        pdf_fonts.draw(pdf, 72, y, line, 11)
        y -= 18
    pdf_fonts.draw(pdf, 72, y - 18, "（演示文件，内容为示意。）", 11)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@transaction.atomic
def seed(*, stdout=None) -> dict[str, int]:
    admin = User.objects.filter(email="admin@example.cn").first()
    if admin is None:
        return {"documents": 0}
    for name_zh, name_en, short_name in AUTHORITIES:
        IssuingAuthority.objects.get_or_create(
            name_zh=name_zh, defaults={"name_en": name_en, "short_name": short_name}
        )
    authorities = {authority.name_zh: authority for authority in IssuingAuthority.objects.all()}
    created = 0
    for spec in DOCUMENTS:
        document = PolicyDocument.objects.filter(number=spec["number"]).first()
        if document is None:
            by_number = {
                doc.number: doc
                for doc in PolicyDocument.objects.filter(
                    number__in=spec.get("amends", []) + spec.get("replaces", [])
                )
            }
            document = document_create(
                by=admin,
                data=DocumentData(
                    title=spec["title"],
                    title_en=spec["title_en"],
                    number=spec["number"],
                    authorities=[authorities[name] for name in spec["authorities"]],
                    issue_date=spec["issue_date"],
                    effective_date=spec.get("effective_date"),
                    category=spec["category"],
                    tags=spec["tags"],
                    summary=spec["summary"],
                    visibility=spec.get("visibility", Doc.Visibility.PUBLIC),
                    amends=[by_number[number] for number in spec.get("amends", [])],
                    replaces=[by_number[number] for number in spec.get("replaces", [])],
                ),
                publish=not spec.get("draft", False),
            )
            created += 1
        if not DocumentFile.objects.filter(document=document).exists():
            content = demo_pdf(
                title=spec["title"],
                number=spec["number"],
                authorities=spec["authorities"],
                summary=spec["summary"],
            )
            upload = SimpleUploadedFile(
                f"{spec['title']}.pdf", content, content_type="application/pdf"
            )
            document_file = document_file_add(
                document_id=document.pk, by=admin, kind=DocumentFile.Kind.ORIGINAL, upload=upload
            )
            # Searchable at once, even before a worker runs the queued extraction.
            document_file_extract_text(file_id=document_file.pk)
    if stdout:
        stdout.write(f"policies: {created} new documents ({len(DOCUMENTS)} demo documents)")
    return {"documents": created}
