"""The 34 province-level divisions of China (GB/T 2260 codes) and "other / abroad"."""

from django.db import migrations

REGIONS = [
    # code, Chinese name, English name, kind
    ("11", "北京市", "Beijing", "municipality"),
    ("12", "天津市", "Tianjin", "municipality"),
    ("13", "河北省", "Hebei", "province"),
    ("14", "山西省", "Shanxi", "province"),
    ("15", "内蒙古自治区", "Inner Mongolia", "autonomous_region"),
    ("21", "辽宁省", "Liaoning", "province"),
    ("22", "吉林省", "Jilin", "province"),
    ("23", "黑龙江省", "Heilongjiang", "province"),
    ("31", "上海市", "Shanghai", "municipality"),
    ("32", "江苏省", "Jiangsu", "province"),
    ("33", "浙江省", "Zhejiang", "province"),
    ("34", "安徽省", "Anhui", "province"),
    ("35", "福建省", "Fujian", "province"),
    ("36", "江西省", "Jiangxi", "province"),
    ("37", "山东省", "Shandong", "province"),
    ("41", "河南省", "Henan", "province"),
    ("42", "湖北省", "Hubei", "province"),
    ("43", "湖南省", "Hunan", "province"),
    ("44", "广东省", "Guangdong", "province"),
    ("45", "广西壮族自治区", "Guangxi", "autonomous_region"),
    ("46", "海南省", "Hainan", "province"),
    ("50", "重庆市", "Chongqing", "municipality"),
    ("51", "四川省", "Sichuan", "province"),
    ("52", "贵州省", "Guizhou", "province"),
    ("53", "云南省", "Yunnan", "province"),
    ("54", "西藏自治区", "Xizang (Tibet)", "autonomous_region"),
    ("61", "陕西省", "Shaanxi", "province"),
    ("62", "甘肃省", "Gansu", "province"),
    ("63", "青海省", "Qinghai", "province"),
    ("64", "宁夏回族自治区", "Ningxia", "autonomous_region"),
    ("65", "新疆维吾尔自治区", "Xinjiang", "autonomous_region"),
    ("71", "台湾省", "Taiwan", "province"),
    ("81", "香港特别行政区", "Hong Kong", "sar"),
    ("82", "澳门特别行政区", "Macao", "sar"),
    ("99", "其他/境外", "Other / abroad", "other"),
]


def load_regions(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    for order, (code, name_zh, name_en, kind) in enumerate(REGIONS, start=1):
        Region.objects.update_or_create(
            code=code,
            defaults={"name_zh": name_zh, "name_en": name_en, "kind": kind, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
