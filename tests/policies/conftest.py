import pytest

from policies import hooks


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def registrations():
    """A fake enrollment: `registrations[user.pk] = {document ids}`, served through the hook."""
    registered: dict[int, set[int]] = {}

    def provider(user):
        return registered.get(user.pk, set())

    hooks.register_registration_provider(provider)
    yield registered
    hooks.unregister_registration_provider(provider)
