"""Every sign-up and account e-mail reads naturally in Chinese and in English, names the portal,
and comes as text and HTML."""

import re

import pytest
from allauth.account.adapter import get_adapter
from django.utils import timezone, translation

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

URL = "https://portal.example.cn/accounts/x/abc123/"
MAILS = {
    "account/email/email_confirmation_signup": {"activate_url": URL},
    "account/email/email_confirmation": {"activate_url": URL},
    "account/email/account_already_exists": {"email": "a@example.cn", "password_reset_url": URL},
    "account/email/unknown_account": {"email": "a@example.cn", "signup_url": URL},
    "account/email/password_reset_key": {"password_reset_url": URL},
    "account/email/password_reset_code": {"code": "ABC123"},
    "account/email/login_code": {"code": "ABC123"},
    "account/email/password_changed": {},
    "account/email/password_set": {},
    "account/email/password_reset": {},
    "account/email/email_changed": {"from_email": "a@example.cn", "to_email": "b@example.cn"},
    "account/email/email_confirm": {"email": "a@example.cn"},
    "account/email/email_deleted": {"deleted_email": "a@example.cn"},
}
# What may stay in Latin letters in a Chinese message: addresses, links, codes, the sender's
# browser in the security notices.
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|ABC123|Mozilla\S*|127\.0\.0\.1")


def _render(prefix: str, language: str, **extra):
    user = UserFactory.build(full_name="王小明", email="a@example.cn")
    context = {
        "user": user,
        "ip": "127.0.0.1",
        "user_agent": "Mozilla/5.0",
        "timestamp": timezone.now(),
        **MAILS[prefix],
        **extra,
    }
    with translation.override(language):
        message = get_adapter().render_mail(prefix, "a@example.cn", context)
    html = next(body for body, kind in message.alternatives if kind == "text/html")
    return message.subject, message.body, html


@pytest.mark.parametrize("prefix", sorted(MAILS))
def test_chinese_mail_names_the_portal_and_has_no_english_word(prefix):
    subject, text, html = _render(prefix, "zh-hans")
    for part in (text, html):
        assert "培训班管理平台" in part
        assert "王小明同志：" in part
    leftover = NOT_WORDS.sub("", subject + "\n" + text)
    assert re.findall(r"[A-Za-z]{2,}", leftover) == []
    assert re.search(r"[\u4e00-\u9fff]", subject)


@pytest.mark.parametrize("prefix", sorted(MAILS))
def test_english_mail_names_the_portal_and_greets_by_name(prefix):
    subject, text, html = _render(prefix, "en")
    for part in (text, html):
        assert "Training Course Portal" in part
        assert "Dear 王小明," in part
    assert subject and "\n" not in subject


def test_links_and_codes_reach_the_reader():
    _subject, text, html = _render("account/email/email_confirmation_signup", "zh-hans")
    assert URL in text and f'href="{URL}"' in html
    _subject, text, html = _render("account/email/login_code", "zh-hans")
    assert "ABC123" in text and "ABC123" in html


def test_a_person_without_a_name_yet_is_greeted_politely():
    with translation.override("zh-hans"):
        message = get_adapter().render_mail(
            "account/email/unknown_account",
            "a@example.cn",
            {"email": "a@example.cn", "signup_url": URL},
        )
    assert message.body.startswith("您好：")


def test_a_security_notice_gives_the_time_of_the_change_as_a_chinese_date():
    moment = timezone.make_aware(
        timezone.datetime(2027, 11, 10, 9, 5), timezone.get_fixed_timezone(480)
    )
    for body in _render("account/email/password_changed", "zh-hans", timestamp=moment)[1:]:
        assert "2027年11月10日（星期三）09:05" in body
