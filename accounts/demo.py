"""Demo people and organisations: the trainees of the two courses in the domain notes.

Idempotent: rows are keyed by e-mail address and (name, region); running it again adds nothing.
"""

import random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Organisation, Region, User
from accounts.roles import Role

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ACCOUNTS = [
    # e-mail, name, role
    ("admin@example.cn", "管理员", Role.ADMINISTRATOR),
    ("organiser@example.cn", "王组织", Role.ORGANISER),
    ("checkin@example.cn", "李签到", Role.CHECKIN_STAFF),
    ("trainee@example.cn", "张学员", Role.TRAINEE),
    # No role: course B's organisers assign this account as its check-in staff (courses demo).
    ("checkin-b@example.cn", "赵签到", Role.TRAINEE),
]

# Region code -> prefecture-level cities whose bureaus send trainees (140 in all).
CITIES = {
    "13": ["石家庄", "唐山", "秦皇岛", "邯郸", "邢台", "保定", "沧州", "廊坊"],
    "14": ["太原", "大同", "阳泉", "长治", "晋城"],
    "15": ["呼和浩特", "包头", "乌海", "赤峰", "通辽"],
    "21": ["沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东"],
    "22": ["长春", "吉林", "四平", "辽源", "通化"],
    "23": ["哈尔滨", "齐齐哈尔", "鸡西", "鹤岗", "大庆"],
    "32": ["南京", "无锡", "徐州", "常州", "苏州", "南通", "扬州", "盐城"],
    "33": ["杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "台州"],
    "34": ["合肥", "芜湖", "蚌埠", "淮南", "马鞍山"],
    "35": ["福州", "厦门", "莆田", "三明", "泉州"],
    "36": ["南昌", "景德镇", "萍乡", "九江", "赣州"],
    "37": ["济南", "青岛", "淄博", "枣庄", "东营", "烟台", "潍坊"],
    "41": ["郑州", "开封", "洛阳", "平顶山", "安阳", "新乡"],
    "42": ["武汉", "黄石", "十堰", "宜昌", "襄阳"],
    "43": ["长沙", "株洲", "湘潭", "衡阳", "岳阳"],
    "44": ["广州", "深圳", "珠海", "汕头", "佛山", "东莞", "惠州", "中山"],
    "45": ["南宁", "柳州", "桂林", "梧州", "北海"],
    "46": ["海口", "三亚", "三沙", "儋州"],
    "51": ["成都", "自贡", "攀枝花", "泸州", "德阳", "绵阳"],
    "52": ["贵阳", "六盘水", "遵义", "安顺"],
    "53": ["昆明", "曲靖", "玉溪", "保山", "昭通"],
    "54": ["拉萨", "日喀则", "昌都"],
    "61": ["西安", "铜川", "宝鸡", "咸阳", "渭南"],
    "62": ["兰州", "嘉峪关", "金昌", "白银", "天水"],
    "63": ["西宁", "海东"],
    "64": ["银川", "石嘴山", "吴忠", "固原", "中卫"],
}
INDUSTRY_BODIES = [
    "中国机械工业联合会",
    "中国钢铁工业协会",
    "中国石油和化学工业联合会",
    "中国轻工业联合会",
    "中国纺织工业联合会",
    "中国建筑材料联合会",
    "中国有色金属工业协会",
    "中国电力企业联合会",
    "中国煤炭工业协会",
    "中国交通运输协会",
    "中国商业联合会",
    "中国建筑业协会",
]
ENTERPRISES = [
    "中国中车集团有限公司",
    "国家电网有限公司",
    "中国石油天然气集团有限公司",
    "中国石油化工集团有限公司",
    "中国第一汽车集团有限公司",
    "东风汽车集团有限公司",
    "中国航天科技集团有限公司",
    "中国船舶集团有限公司",
    "中国建筑集团有限公司",
    "中国中铁股份有限公司",
    "中国铁建股份有限公司",
    "中国宝武钢铁集团有限公司",
    "华为技术有限公司",
    "海尔集团公司",
    "美的集团股份有限公司",
    "三一重工股份有限公司",
]
# Course B: the four issuing bodies' side, and the foreign cooperation agency.
NATIONAL_BODIES = [
    ("人力资源和社会保障部", Organisation.Type.MINISTRY),
    ("国家发展和改革委员会", Organisation.Type.MINISTRY),
    ("教育部", Organisation.Type.MINISTRY),
    ("国家开发银行", Organisation.Type.MINISTRY),
    ("德国国际合作机构（GIZ）北京代表处", Organisation.Type.OTHER),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌鹏辉海燕晨宇浩然欣怡子涵梓轩雨婷思远佳琪俊杰建华晓东丽娟"


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


POSITIONS = ["处长", "副处长", "科长", "主任科员", "校长", "副校长", "教务处主任", "人事部经理"]


def _organisations(regions: dict[str, Region]) -> list[tuple[Organisation, int]]:
    """Every demo organisation with how many of its staff come to course A."""
    beijing = regions["11"]
    national = [
        *[(name, Organisation.Type.INDUSTRY_BODY, 2) for name in INDUSTRY_BODIES],
        *[(name, Organisation.Type.ENTERPRISE, 2) for name in ENTERPRISES],
        *[(name, kind, 3) for name, kind in NATIONAL_BODIES],
    ]
    return [
        *_provincial_organisations(regions),
        *_city_organisations(regions),
        *[
            (Organisation(name=name, type=kind, region=beijing), staff)
            for name, kind, staff in national
        ],
    ]


def _provincial_organisations(regions: dict[str, Region]) -> list[tuple[Organisation, int]]:
    """Each of 30 provinces' department and technician college."""
    provinces = [region for region in regions.values() if region.kind != Region.Kind.OTHER][:30]
    plan: list[tuple[Organisation, int]] = []
    for index, region in enumerate(provinces):
        department = Organisation(
            name=f"{region.name_zh}人力资源和社会保障厅",
            type=Organisation.Type.PROVINCIAL_DEPARTMENT,
            region=region,
        )
        college = Organisation(
            name=f"{region.name_zh}技师学院", type=Organisation.Type.TECHNICAL_SCHOOL, region=region
        )
        # Some provinces registered very eagerly.
        plan += [(department, 6 if index % 7 == 0 else 3), (college, 1)]
    return plan


def _city_organisations(regions: dict[str, Region]) -> list[tuple[Organisation, int]]:
    """Each city's bureau and senior technical school; the first 60 cities' technician college."""
    plan: list[tuple[Organisation, int]] = []
    city_index = 0
    for code, cities in CITIES.items():
        region = regions[code]
        for city in cities:
            kinds = [
                (f"{city}市人力资源和社会保障局", Organisation.Type.CITY_BUREAU),
                (f"{city}市高级技工学校", Organisation.Type.TECHNICAL_SCHOOL),
            ]
            if city_index < 60:
                kinds.append((f"{city}市技师学院", Organisation.Type.TECHNICAL_SCHOOL))
            plan += [(Organisation(name=name, type=kind, region=region), 1) for name, kind in kinds]
            city_index += 1
    return plan


@transaction.atomic
def seed(*, stdout=None) -> dict[str, int]:
    rng = random.Random(2026)
    regions = {region.code: region for region in Region.objects.all()}
    plan = _organisations(regions)
    Organisation.objects.bulk_create([org for org, _ in plan], ignore_conflicts=True)
    saved = {(org.name, org.region_id): org for org in Organisation.objects.all()}

    users = _users(rng, plan, saved, ministry=saved[("人力资源和社会保障部", regions["11"].pk)])
    before = User.objects.count()
    User.objects.bulk_create(users, ignore_conflicts=True)
    by_email = dict(
        User.objects.filter(email__in=[u.email for u in users]).values_list("email", "pk")
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for email, pk in by_email.items()
        ],
        ignore_conflicts=True,
    )
    _roles_grant(by_email)
    created = User.objects.count() - before
    if stdout:
        stdout.write(
            f"accounts: {created} new users ({len(users)} demo users, {len(saved)} organisations)"
        )
    return {"users": created}


def _users(
    rng: random.Random,
    plan: list[tuple[Organisation, int]],
    saved: dict[tuple[str, int], Organisation],
    *,
    ministry: Organisation,
) -> list[User]:
    """The demo accounts (at the ministry), then each organisation's staff, unsaved."""
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing 500 times takes minutes
    users: list[User] = []
    for email, name, role in DEMO_ACCOUNTS:
        users.append(
            User(
                email=email,
                full_name=name,
                password=password,
                phone=_phone(rng),
                is_staff=role == Role.ADMINISTRATOR,
                organisation=ministry,
            )
        )
    number = 0
    for org, staff in plan:
        for _ in range(staff):
            number += 1
            users.append(
                User(
                    email=f"trainee{number:04d}@example.cn",
                    full_name=_name(rng),
                    phone=_phone(rng),
                    password=password,
                    organisation=saved[(org.name, org.region_id)],
                    position=rng.choice(POSITIONS),
                )
            )
    return users


def _roles_grant(by_email: dict[str, int]) -> None:
    """Every demo user is a trainee; the demo accounts have their own role as well."""
    groups = {group.name: group for group in Group.objects.all()}
    memberships = [
        User.groups.through(user_id=pk, group_id=groups[Role.TRAINEE].pk)
        for pk in by_email.values()
    ]
    for email, _full_name, role in DEMO_ACCOUNTS:
        if role != Role.TRAINEE:
            memberships.append(
                User.groups.through(user_id=by_email[email], group_id=groups[role].pk)
            )
    User.groups.through.objects.bulk_create(memberships, ignore_conflicts=True)
