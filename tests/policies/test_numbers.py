import pytest

from policies.numbers import DocumentNumber, number_parts, parse_document_number


@pytest.mark.parametrize(
    "text",
    [
        "发改振兴〔2015〕2103号",
        "发改振兴[2015]2103号",
        "发改振兴【2015】2103号",
        "发改振兴（2015）2103号",
        "发改振兴(2015)2103号",
        "发改振兴［２０１５］２１０３号",
        "发改振兴 〔2015〕 2103 号",
        "发改 振兴〔2015〕2103号",
        "发改振兴2015年2103号",
        "发改振兴〔2015〕第2103号",
        "发改振兴〔2015〕02103号",
    ],
)
def test_every_spelling_of_a_full_number_has_the_same_parts(text):
    assert parse_document_number(text) == DocumentNumber("发改振兴", 2015, 2103)


@pytest.mark.parametrize(
    "text",
    [
        "2015 2103",
        "〔2015〕2103",
        "[2015]2103",
        "(2015)2103",
        "（2015）2103号",
        "2015年2103号",
        "2015-2103",
        "2015/2103",
        "  2015   2103  ",
        "２０１５　２１０３",
    ],
)
def test_year_and_serial_without_prefix(text):
    assert parse_document_number(text) == DocumentNumber("", 2015, 2103)


@pytest.mark.parametrize(
    "text",
    ["高技能人才", "2015", "2103号", "skills 2022", "", "关于加强新时代高技能人才队伍建设的意见"],
)
def test_text_that_is_not_a_number(text):
    assert parse_document_number(text) is None


def test_the_canonical_key_is_the_same_for_every_spelling():
    assert number_parts("发改振兴[2015]2103")["number_key"] == "发改振兴〔2015〕2103号"
    assert number_parts("发改振兴（2015）2103号") == {
        "number_prefix": "发改振兴",
        "number_year": 2015,
        "number_serial": 2103,
        "number_key": "发改振兴〔2015〕2103号",
    }


def test_a_number_without_year_keeps_a_folded_key():
    parts = number_parts("中华人民共和国主席令 第 34 号")
    assert parts["number_year"] is None
    assert parts["number_key"] == "中华人民共和国主席令第34号"
