"""What the two demo courses say: speakers, lectures, timetables, descriptions and reading
packs."""

from dataclasses import dataclass, replace

from courses.models import Session

HALL = "一楼报告厅"

# name, title, organisation
SPEAKERS_A = {
    "vice_minister": ("刘建华", "副部长", "人力资源和社会保障部"),
    "deputy_director": ("孙卫东", "副局长", "中央组织部人才工作局"),
    "l1": ("陈立新", "司长", "人力资源和社会保障部职业能力建设司"),
    "l2": ("周晓岚", "副司长", "人力资源和社会保障部职业能力建设司"),
    "l3": ("郑国强", "主任", "人力资源和社会保障部职业技能鉴定中心"),
    "l4": ("王海涛", "处长", "人力资源和社会保障部职业能力建设司技工教育处"),
    "l5": ("李文博", "研究员", "中国劳动和社会保障科学研究院"),
    "l6": ("赵雪梅", "副主任", "人力资源和社会保障部职业技能鉴定中心"),
    "l7": ("黄志勇", "副司长", "人力资源和社会保障部劳动关系司"),
    "l8": ("吴明华", "处长", "人力资源和社会保障部专业技术人员管理司"),
    "l9": ("徐静怡", "副司长", "财政部社会保障司"),
    "l10": ("杨振华", "教授", "北京师范大学职业与成人教育研究所"),
}
LECTURES_A = [
    ("l1", "《关于加强新时代高技能人才队伍建设的意见》总体解读"),
    ("l2", "健全高技能人才培养体系政策解读"),
    ("l3", "职业技能等级认定与评价制度改革"),
    ("l4", "技工教育高质量发展政策解读"),
    ("l5", "企业新型学徒制政策与实践"),
    ("l6", "职业技能竞赛体系建设"),
    ("l7", "技能人才薪酬分配指引解读"),
    ("l8", "高技能人才与专业技术人才职业发展贯通"),
    ("l9", "职业技能培训补贴资金管理政策"),
    ("l10", "高技能人才培训基地和技能大师工作室建设"),
]


@dataclass(frozen=True)
class Slot:
    """A session of a demo timetable. `day` counts from the course's first day, `speakers` are
    keys of the course's speaker table. A title with "{group}" is one session per discussion
    group, each in its group's room."""

    day: int
    start: str
    end: str
    kind: str
    title: str = ""
    room: str = HALL
    speakers: tuple[str, ...] = ()


def _lectures_fill(slots: list[Slot], lectures: list[tuple[str, str]]) -> list[Slot]:
    """The slots with each lecture slot left untitled given the next of `lectures` (its
    speaker's key and its title)."""
    lectures_left = iter(lectures)
    filled = []
    for slot in slots:
        if slot.kind == Session.Kind.LECTURE and not slot.title:
            key, title = next(lectures_left)
            slot = replace(slot, title=title, speakers=(key,))
        filled.append(slot)
    return filled


_K = Session.Kind
# Lectures without a title take theirs from LECTURES_A, in order.
TIMETABLE_A = _lectures_fill([
    Slot(0, "09:00", "09:30", _K.OPENING, "开班仪式"),
    Slot(0, "09:30", "10:10", _K.SPEECH, "开班讲话", speakers=("vice_minister",)),
    Slot(
        0, "10:20", "11:00", _K.SPEECH, "加强新时代高技能人才队伍建设的形势与任务",
        speakers=("deputy_director",),
    ),
    Slot(0, "14:00", "15:30", _K.LECTURE),
    Slot(0, "15:45", "17:15", _K.LECTURE),
    Slot(1, "09:00", "10:30", _K.LECTURE),
    Slot(1, "10:45", "12:15", _K.LECTURE),
    Slot(1, "14:00", "17:00", _K.CLASSROOM, "课堂学习：政策文件汇编研读"),
    Slot(2, "09:00", "10:30", _K.LECTURE),
    Slot(2, "10:45", "12:15", _K.LECTURE),
    Slot(2, "14:00", "17:00", _K.SELF_STUDY, "个人自学", "学员宿舍"),
    Slot(3, "09:00", "10:30", _K.LECTURE),
    Slot(3, "10:45", "12:15", _K.LECTURE),
    Slot(3, "14:00", "17:00", _K.GROUP_DISCUSSION, "分组讨论：交流实践经验与问题（{group}）"),
    Slot(4, "08:30", "10:00", _K.LECTURE),
    Slot(4, "10:10", "11:10", _K.LECTURE),
    Slot(4, "11:15", "12:15", _K.QA, "集中答疑", speakers=("l1", "l2")),
    Slot(4, "14:00", "15:30", _K.SEMINAR, "座谈交流：各地贯彻落实思路"),
    Slot(4, "15:45", "16:30", _K.CLOSING, "结业式", speakers=("l1",)),
], LECTURES_A)  # fmt: skip

SPEAKERS_B = {
    "inspector": ("马立军", "副巡视员", "国家发展和改革委员会振兴司"),
    "director": ("高建平", "司长", "国家发展和改革委员会振兴司"),
    "e1": ("林晓峰", "研究员", "国家发展和改革委员会宏观经济研究院"),
    "e2": ("韩素芳", "教授", "教育部职业技术教育中心研究所"),
    "e3": ("曹志远", "处长", "国家开发银行评审管理局"),
    "e4": ("冯德明", "项目主任", "德国国际合作机构（GIZ）北京代表处"),
}

ROOM_B = "第一会议室"
TIMETABLE_B = [
    Slot(0, "09:00", "09:20", _K.OPENING, "开班仪式（副巡视员主持）", ROOM_B, ("inspector",)),
    Slot(
        0, "09:20", "10:20", _K.SPEECH, "司长讲话：扎实推进双元培育改革试点", ROOM_B,
        ("director",),
    ),
    Slot(0, "10:40", "12:00", _K.LECTURE, "专家辅导：试点方案解读", ROOM_B, ("e1",)),
    Slot(0, "14:00", "15:30", _K.LECTURE, "专家辅导：校企双元人才培养模式", ROOM_B, ("e2",)),
    Slot(0, "15:45", "17:00", _K.LECTURE, "专家辅导：开发性金融支持试点项目", ROOM_B, ("e3",)),
    Slot(1, "09:00", "10:30", _K.LECTURE, "专家辅导：德国双元制经验借鉴", ROOM_B, ("e4",)),
    Slot(1, "10:45", "11:45", _K.SEMINAR, "试点省市交流发言", ROOM_B),
    Slot(1, "11:45", "12:15", _K.CLOSING, "总结讲话", ROOM_B, ("director",)),
]  # fmt: skip

DESCRIPTION_A = """\
为深入贯彻落实中共中央办公厅、国务院办公厅印发的《关于加强新时代高技能人才队伍建设的意见》\
（第15号文件），帮助各地区、各部门准确把握政策要义，举办本期培训班。

## 培训对象
- 各省、自治区、直辖市人力资源社会保障厅（局）分管负责同志和职业能力建设处负责同志
- 地级市人力资源社会保障局相关负责同志
- 有关行业、中央企业人力资源部门和技师学院、高级技工学校负责同志

## 培训方式
专题讲座、课堂学习、个人自学、分组讨论、集中答疑和座谈交流相结合。\
培训前将向每位学员发放《高技能人才政策文件汇编》。

## 有关要求
请学员按时报到，遵守培训纪律；课件资料会后在本页面“课件资料”栏目提供下载。
"""

DESCRIPTION_B = """\
为做好《关于印发〈老工业基地产业转型技术技能人才双元培育改革试点方案〉的通知》\
（发改振兴〔2015〕2103号，国家发展改革委、教育部、人力资源社会保障部、国家开发银行联合印发）\
的贯彻落实，由国家发展改革委振兴司举办本期培训班，深入解读试点方案，交流试点经验。

## 参训人员
国家发展改革委、教育部、人力资源社会保障部、国家开发银行有关同志，德国国际合作机构代表，\
以及四个试点省和一个试点市的发展改革委、教育厅、人力资源社会保障厅（局）有关负责同志和试点城市代表。
"""

# (heading, note, [(document number | material title, note)]); materials are matched by title.
PACK_A = [
    (
        "中央领导同志重要指示批示",
        "",
        [("material:中央领导同志关于技能人才工作重要指示批示摘编", "开班前请认真学习。")],
    ),
    (
        "中央文件",
        "",
        [
            ("中办发〔2022〕15号", "本期培训班重点解读的文件（“15号文件”）。"),
            ("material:课件：《关于加强新时代高技能人才队伍建设的意见》总体解读", "第一讲课件。"),
        ],
    ),
    (
        "部门配套文件",
        "人力资源社会保障部等部门为贯彻落实15号文件出台的配套文件。",
        [
            ("人社部发〔2022〕14号", "“新八级工”职业技能等级制度。"),
            ("人社部发〔2019〕101号", "已由人社部发〔2022〕14号修订，对照学习。"),
            ("人社部发〔2021〕48号", ""),
            ("人社部发〔2023〕7号", ""),
        ],
    ),
]
PACK_B = [
    ("中央文件", "", [("国发〔2014〕19号", "")]),
    ("试点文件", "", [("发改振兴〔2015〕2103号", "本期培训班解读的试点方案（见通知附件）。")]),
]
