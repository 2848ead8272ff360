import datetime
from urllib.parse import quote

import pytest
from django.urls import reverse

from accounts.roles import Role
from policies import hooks
from policies.models import DocumentChange, DocumentFile, PolicyDocument
from policies.services import document_file_add
from tests.factories.accounts import UserFactory
from tests.factories.policies import IssuingAuthorityFactory, PolicyDocumentFactory, relate
from tests.policies.files import DOCM_MAIN, docx_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db
V = PolicyDocument.Visibility
LIST = reverse("policies:document-list")


def _with_file(document, name="关于加强高技能人才的意见.pdf") -> DocumentFile:
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    return document_file_add(
        document_id=document.pk,
        by=admin,
        kind=DocumentFile.Kind.ORIGINAL,
        upload=upload(name, pdf_bytes()),
    )


@pytest.fixture
def docs():
    public = PolicyDocumentFactory(visibility=V.PUBLIC, title="公开文件")
    trainees = PolicyDocumentFactory(visibility=V.TRAINEES, title="学员文件")
    staff = PolicyDocumentFactory(visibility=V.STAFF, title="内部文件")
    draft = PolicyDocumentFactory(is_published=False, title="草稿文件")
    return {
        name: (document, _with_file(document))
        for name, document in {
            "public": public,
            "trainees": trainees,
            "staff": staff,
            "draft": draft,
        }.items()
    }


def _client_for(client, who, docs, registrations):
    if who == "anonymous":
        return client
    roles = {"organiser": [Role.ORGANISER], "administrator": [Role.ADMINISTRATOR]}.get(who, [])
    if who == "checkin":
        roles = [Role.CHECKIN_STAFF]
    user = UserFactory(roles=roles)
    if who == "registered":
        registrations[user.pk] = {docs["trainees"][0].pk, docs["staff"][0].pk, docs["draft"][0].pk}
    client.force_login(user)
    return client


EXPECTED = {
    "anonymous": {"public"},
    "trainee": {"public"},
    "checkin": {"public"},
    "registered": {"public", "trainees"},
    "organiser": {"public", "trainees", "staff", "draft"},
    "administrator": {"public", "trainees", "staff", "draft"},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_role_matrix_for_list_search_page_and_download(client, docs, registrations, who):
    client = _client_for(client, who, docs, registrations)
    listing = client.get(LIST).content.decode()
    found = client.get(LIST, {"q": "文件"}).content.decode()
    for name, (document, document_file) in docs.items():
        allowed = name in EXPECTED[who]
        assert (document.title in listing) == allowed, (who, name, "list")
        assert (document.title in found) == allowed, (who, name, "search")
        page = client.get(document.get_absolute_url())
        assert page.status_code == (200 if allowed else 404), (who, name, "page")
        download = client.get(document_file.get_download_url())
        assert download.status_code == (200 if allowed else 404), (who, name, "download")
        document_file.refresh_from_db()
        assert document_file.download_count == (1 if allowed else 0)


def test_download_headers(client):
    document = PolicyDocumentFactory()
    document_file = _with_file(document, name="关于加强高技能人才的意见.pdf")
    response = client.get(document_file.get_download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('关于加强高技能人才的意见.pdf')}" in disposition
    with document_file.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


def test_file_of_another_document_is_404(client):
    first, second = PolicyDocumentFactory(), PolicyDocumentFactory()
    document_file = _with_file(first)
    url = reverse("policies:document-file-download", args=[second.pk, document_file.pk])
    assert client.get(url).status_code == 404


def test_list_shows_number_authorities_date_status_and_replacement(client):
    mohrss = IssuingAuthorityFactory(name_zh="人力资源和社会保障部")
    finance = IssuingAuthorityFactory(name_zh="财政部")
    old = PolicyDocumentFactory(
        number="中办发〔2006〕15号",
        status=PolicyDocument.Status.REPEALED,
        authorities=[mohrss, finance],
    )
    new = PolicyDocumentFactory(number="中办发〔2022〕15号", issue_date=datetime.date(2022, 10, 7))
    relate(new, old, "replaces")
    html = client.get(LIST, {"q": "2006 15"}).content.decode()
    assert "中办发〔2006〕15号" in html
    assert "人力资源和社会保障部、财政部" in html
    assert "2020-05-01" in html
    assert "已废止" in html  # status, in the default language
    assert new.get_absolute_url() in html  # link to the replacement


def test_both_pages_show_the_amendment(client):
    old = PolicyDocumentFactory(title="原办法")
    new = PolicyDocumentFactory(title="修订通知")
    relate(new, old, "amends")
    old_page = client.get(old.get_absolute_url()).content.decode()
    new_page = client.get(new.get_absolute_url()).content.decode()
    assert new.get_absolute_url() in old_page and "修订通知" in old_page
    assert old.get_absolute_url() in new_page and "原办法" in new_page


def test_courses_that_use_it_come_from_the_hook(client):
    document = PolicyDocumentFactory()

    def provider(doc, user):
        return (
            [hooks.CourseLink(title="全国高技能人才政策培训班", url="/courses/1/")]
            if doc == document
            else []
        )

    hooks.register_course_links_provider(provider)
    try:
        html = client.get(document.get_absolute_url()).content.decode()
    finally:
        hooks.unregister_course_links_provider(provider)
    assert "全国高技能人才政策培训班" in html and 'href="/courses/1/"' in html


def test_list_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    authority = IssuingAuthorityFactory()
    for _ in range(3):
        PolicyDocumentFactory(authorities=[authority, IssuingAuthorityFactory()])
    with django_assert_max_num_queries(10) as few:
        client.get(LIST, {"q": "关于"})
    for _ in range(15):
        old = PolicyDocumentFactory(authorities=[authority], status=PolicyDocument.Status.REPEALED)
        relate(PolicyDocumentFactory(), old, "replaces")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST, {"q": "关于"})
    assert response.context["page_obj"].paginator.count == 33


def test_detail_query_count(client, django_assert_max_num_queries):
    document = PolicyDocumentFactory(
        authorities=[IssuingAuthorityFactory(), IssuingAuthorityFactory()]
    )
    for _ in range(3):
        _with_file(document)
        relate(PolicyDocumentFactory(), document, "amends")
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    with django_assert_max_num_queries(12):
        response = client.get(document.get_absolute_url())
    assert response.status_code == 200


def test_detail_shows_history_to_readers(client):
    admin = UserFactory(roles=[Role.ADMINISTRATOR], full_name="李管理")
    document = PolicyDocumentFactory()
    DocumentChange.objects.create(
        document=document,
        action=DocumentChange.Action.EDITED,
        changed_by=admin,
        changes={"title": {"old": "旧标题", "new": "新标题"}},
    )
    html = client.get(document.get_absolute_url()).content.decode()
    assert "李管理" in html and "旧标题" in html and "新标题" in html


# Editing through the pages -----------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {
        "title": "关于实施高技能领军人才培育计划的通知",
        "number": "人社部发〔2023〕7号",
        "authorities": "人社部\n财政部",
        "issue_date": "2023-02-10",
        "status": "in_force",
        "category": "notice",
        "visibility": "public",
        "tags": "高技能人才，技能大师",
    }
    data.update(overrides)
    return data


def test_administrator_adds_a_document_that_amends_an_older_one(client):
    IssuingAuthorityFactory(name_zh="人力资源和社会保障部", short_name="人社部")
    IssuingAuthorityFactory(name_zh="财政部", short_name="财")
    old = PolicyDocumentFactory(title="高技能人才培训基地管理办法")
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    response = client.post(
        reverse("policies:document-create"), _form(amends=[old.pk], publish="on")
    )
    new = PolicyDocument.objects.get(number="人社部发〔2023〕7号")
    assert response.status_code == 302 and response.url == new.get_absolute_url()
    assert [link.authority.name_zh for link in new.documentauthority_set.all()] == [
        "人力资源和社会保障部",
        "财政部",
    ]
    old.refresh_from_db()
    assert old.status == PolicyDocument.Status.AMENDED
    assert new.get_absolute_url() in client.get(old.get_absolute_url()).content.decode()
    assert old.get_absolute_url() in client.get(new.get_absolute_url()).content.decode()


def test_unknown_authority_is_a_form_error(client):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    response = client.post(reverse("policies:document-create"), _form(authorities="不存在的部门"))
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["authorities"][0].code == "unknown_authority"


def test_trainee_cannot_reach_editing_pages(client):
    document = PolicyDocumentFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("policies:document-create")).status_code == 403
    # A page about a document: one the visitor may not change does not exist for them.
    assert client.get(reverse("policies:document-update", args=[document.pk])).status_code == 404
    assert client.post(reverse("policies:document-publish", args=[document.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in_for_editing(client):
    response = client.get(reverse("policies:document-create"))
    assert response.status_code == 302 and "login" in response.url


def test_organiser_cannot_edit_another_organisers_document(client):
    document = PolicyDocumentFactory(created_by=UserFactory(roles=[Role.ORGANISER]))
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    assert client.get(reverse("policies:document-update", args=[document.pk])).status_code == 404
    assert (
        client.post(reverse("policies:document-file-create", args=[document.pk])).status_code == 404
    )


def test_edit_page_saves_and_records_history(client):
    IssuingAuthorityFactory(name_zh="人力资源和社会保障部", short_name="人社部")
    IssuingAuthorityFactory(name_zh="财政部", short_name="财")
    organiser = UserFactory(roles=[Role.ORGANISER])
    document = PolicyDocumentFactory(created_by=organiser, number="人社部发〔2023〕7号")
    client.force_login(organiser)
    assert client.get(reverse("policies:document-update", args=[document.pk])).status_code == 200
    response = client.post(
        reverse("policies:document-update", args=[document.pk]), _form(title="修改后的标题")
    )
    assert response.status_code == 302
    change = document.changes.get(action=DocumentChange.Action.EDITED)
    assert change.changed_by == organiser
    assert change.changes["title"]["new"] == "修改后的标题"


def test_upload_page_refuses_macro_docx_with_a_clear_error(client):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    document = PolicyDocumentFactory(created_by=admin)
    client.force_login(admin)
    response = client.post(
        reverse("policies:document-file-create", args=[document.pk]),
        {"kind": "original", "upload": upload("通知.docx", docx_bytes(main_type=DOCM_MAIN))},
    )
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["upload"][0].code == "macro"
    assert not document.files.exists()


def test_upload_page_stores_a_good_file(client, django_capture_on_commit_callbacks):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    document = PolicyDocumentFactory(created_by=admin)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("policies:document-file-create", args=[document.pk]),
            {"kind": "original", "upload": upload("通知.pdf", pdf_bytes())},
        )
    assert response.status_code == 302
    assert document.files.get().display_name == "通知.pdf"
    assert len(callbacks) == 1


def test_publish_and_withdraw_through_the_page(client):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    document = PolicyDocumentFactory(is_published=False)
    client.force_login(admin)
    client.post(reverse("policies:document-publish", args=[document.pk]))
    document.refresh_from_db()
    assert document.is_published
    client.post(reverse("policies:document-unpublish", args=[document.pk]))
    document.refresh_from_db()
    assert not document.is_published


def test_state_changes_by_get_are_refused(client):
    document = PolicyDocumentFactory(is_published=False)
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert client.get(reverse("policies:document-publish", args=[document.pk])).status_code == 405


def test_add_authority_page(client):
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    response = client.post(
        reverse("policies:authority-create"),
        {"name_zh": "国家开发银行", "name_en": "China Development Bank"},
    )
    assert response.status_code == 302
    again = client.post(reverse("policies:authority-create"), {"name_zh": "国家开发银行"})
    assert again.status_code == 400


def test_invalid_filter_values_are_ignored_not_errors(client):
    PolicyDocumentFactory(title="公开文件")
    response = client.get(LIST, {"year": "abc", "authority": "999999", "page": "x"})
    assert response.status_code == 200


def test_tag_filter_lists_only_tags_of_visible_documents(client):
    from policies.models import Tag

    PolicyDocumentFactory().tags.add(Tag.objects.create(name="公开标签"))
    PolicyDocumentFactory(visibility=V.STAFF).tags.add(Tag.objects.create(name="内部标签"))
    html = client.get(LIST).content.decode()
    assert "公开标签" in html and "内部标签" not in html


def test_posts_without_csrf_token_are_refused():
    from django.test import Client

    document = PolicyDocumentFactory(is_published=False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert client.post(reverse("policies:document-publish", args=[document.pk])).status_code == 403
    document.refresh_from_db()
    assert not document.is_published
