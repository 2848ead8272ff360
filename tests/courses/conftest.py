from tests.courses.packs import enrollment, media, pack  # noqa: F401 - fixtures
