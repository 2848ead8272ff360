import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from accounts.roles import Role
from policies.models import DocumentFile, PolicyDocument
from policies.selectors import (
    DocumentFilters,
    document_is_visible_to,
    document_list_visible_to,
    document_related,
    document_search,
)
from tests.factories.accounts import UserFactory
from tests.factories.policies import IssuingAuthorityFactory, PolicyDocumentFactory, relate

pytestmark = pytest.mark.django_db
V = PolicyDocument.Visibility


def _search(user=None, **filters) -> list[PolicyDocument]:
    return list(document_search(user=user or AnonymousUser(), filters=DocumentFilters(**filters)))


@pytest.fixture
def library():
    ndrc = IssuingAuthorityFactory(
        name_zh="国家发展和改革委员会", name_en="National Development and Reform Commission"
    )
    moe = IssuingAuthorityFactory(name_zh="教育部", name_en="Ministry of Education")
    mohrss = IssuingAuthorityFactory(
        name_zh="人力资源和社会保障部",
        name_en="Ministry of Human Resources and Social Security",
        short_name="人社部",
    )
    pilot = PolicyDocumentFactory(
        number="发改振兴〔2015〕2103号",
        title="老工业基地产业转型技术技能人才双元培育改革试点方案",
        title_en="Pilot Programme for Dual-Track Training of Skilled Personnel",
        issue_date=datetime.date(2015, 9, 21),
        category=PolicyDocument.Category.PLAN,
        authorities=[ndrc, moe, mohrss],
    )
    no15 = PolicyDocumentFactory(
        number="中办发〔2022〕15号",
        title="关于加强新时代高技能人才队伍建设的意见",
        title_en="Opinions on Strengthening High-Skilled Personnel in the New Era",
        summary="构建高技能人才培养体系",
        issue_date=datetime.date(2022, 10, 7),
        category=PolicyDocument.Category.OPINION,
        authorities=[mohrss],
    )
    other = PolicyDocumentFactory(
        number="教职成〔2019〕13号",
        title="职业院校教师素质提高计划",
        full_text="正文提到校企合作与双师型教师 dual-qualified teachers",
        issue_date=datetime.date(2019, 6, 1),
        status=PolicyDocument.Status.REPEALED,
        authorities=[moe],
    )
    return {"pilot": pilot, "no15": no15, "other": other, "ndrc": ndrc, "moe": moe}


@pytest.mark.parametrize(
    "query",
    [
        "发改振兴〔2015〕2103号",
        "2015 2103",
        "〔2015〕2103",
        "[2015]2103",
        "(2015)2103",
        "2015年2103号",
        "发改振兴[2015]2103",
        "发改〔2015〕2103",
        "2103",
        "发改振兴",
    ],
)
def test_every_spelling_of_the_number_finds_the_pilot_programme(library, query):
    assert _search(query=query) == [library["pilot"]]


def test_a_wrong_prefix_with_the_right_year_and_serial_finds_nothing(library):
    assert _search(query="教职成〔2015〕2103号") == []


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("高技能人才", "no15"),
        ("双元培育", "pilot"),
        ("培养体系", "no15"),  # summary
        ("双师型", "other"),  # full text
        ("high-skilled personnel", "no15"),
        ("HIGH-SKILLED", "no15"),
        ("dual-track training", "pilot"),
        ("dual-qualified", "other"),
        ("Development and Reform", "pilot"),  # authority, English
    ],
)
def test_title_summary_full_text_and_authority_in_chinese_and_english(library, query, key):
    assert _search(query=query) == [library[key]]


def test_english_words_must_all_match(library):
    assert _search(query="pilot opinions") == []


def test_text_extracted_from_files_is_searched(library):
    DocumentFile.objects.create(
        document=library["pilot"],
        kind=DocumentFile.Kind.ORIGINAL,
        file="policies/x.pdf",
        display_name="x.pdf",
        size=1,
        sha256="0" * 64,
        content_type="application/pdf",
        text="国家开发银行提供融资支持",
    )
    assert _search(query="融资支持") == [library["pilot"]]


def test_filters_by_authority_year_status_and_category(library):
    assert _search(authority=library["ndrc"]) == [library["pilot"]]
    assert _search(authority=library["moe"]) == [library["other"], library["pilot"]]
    assert _search(year=2022) == [library["no15"]]
    assert _search(status=PolicyDocument.Status.REPEALED) == [library["other"]]
    assert _search(category=PolicyDocument.Category.PLAN) == [library["pilot"]]
    assert _search(query="教育部", year=2019) == [library["other"]]


def test_filter_by_tag(library):
    from policies.models import Tag

    tag = Tag.objects.create(name="职业教育")
    library["other"].tags.add(tag)
    assert _search(tag=tag) == [library["other"]]


def test_results_show_authorities_in_printed_order(library):
    (pilot,) = _search(query="2015 2103")
    names = [link.authority.name_zh for link in pilot.ordered_authorities]
    assert names == ["国家发展和改革委员会", "教育部", "人力资源和社会保障部"]


def test_trigram_index_serves_chinese_substring_search(library):
    queryset = document_search(user=AnonymousUser(), filters=DocumentFilters(query="技能人才"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "policydoc_title_trgm" in plan


# Visibility ---------------------------------------------------------------------------------


@pytest.fixture
def documents():
    return {
        "public": PolicyDocumentFactory(visibility=V.PUBLIC),
        "trainees": PolicyDocumentFactory(visibility=V.TRAINEES),
        "staff": PolicyDocumentFactory(visibility=V.STAFF),
        "draft": PolicyDocumentFactory(visibility=V.PUBLIC, is_published=False),
    }


def _visible(user, documents) -> set[str]:
    pks = set(document_list_visible_to(user).values_list("pk", flat=True))
    listed = {name for name, document in documents.items() if document.pk in pks}
    one_by_one = {
        name
        for name, document in documents.items()
        if document_is_visible_to(user=user, document=document)
    }
    assert listed == one_by_one  # the list and the per-document check agree
    return listed


def test_anonymous_sees_only_published_public_documents(documents):
    assert _visible(AnonymousUser(), documents) == {"public"}


def test_trainee_without_a_registration_provider_sees_only_public(documents):
    assert _visible(UserFactory(), documents) == {"public"}


def test_registered_trainee_sees_documents_of_their_courses(documents, registrations):
    trainee, other = UserFactory(), UserFactory()
    registrations[trainee.pk] = {
        documents["trainees"].pk,
        documents["staff"].pk,
        documents["draft"].pk,
    }
    # Registration opens "trainees" documents only: never staff-only ones or drafts.
    assert _visible(trainee, documents) == {"public", "trainees"}
    assert _visible(other, documents) == {"public"}
    assert _visible(AnonymousUser(), documents) == {"public"}


def test_registration_provider_may_return_a_queryset(documents):
    from policies import hooks

    def provider(user):
        return PolicyDocument.objects.filter(pk=documents["trainees"].pk).values("pk")

    hooks.register_registration_provider(provider)
    try:
        assert _visible(UserFactory(), documents) == {"public", "trainees"}
    finally:
        hooks.unregister_registration_provider(provider)


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.ADMINISTRATOR])
def test_organisers_and_administrators_see_everything(documents, role):
    assert _visible(UserFactory(roles=[role]), documents) == set(documents)


def test_checkin_staff_are_readers_like_trainees(documents):
    assert _visible(UserFactory(roles=[Role.CHECKIN_STAFF]), documents) == {"public"}


def test_related_documents_both_ways_and_only_visible_ones():
    old = PolicyDocumentFactory(status=PolicyDocument.Status.REPEALED)
    new = PolicyDocumentFactory()
    amendment = PolicyDocumentFactory()
    secret = PolicyDocumentFactory(visibility=V.STAFF)
    relate(new, old, "replaces")
    relate(amendment, new, "amends")
    relate(secret, new, "amends")
    reader = AnonymousUser()
    related_new = document_related(user=reader, document=new)
    assert related_new.replaces == [old]
    assert related_new.amended_by == [amendment]
    assert document_related(user=reader, document=old).replaced_by == [new]
    assert document_related(user=reader, document=amendment).amends == [new]
    staff = UserFactory(roles=[Role.ORGANISER])
    assert document_related(user=staff, document=new).amended_by == [amendment, secret]
