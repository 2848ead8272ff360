"""ServiceFormView and ServiceActionView, through a tiny view of each kind."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.test import RequestFactory

from portal.views_base import ServiceActionView, ServiceFormView

TEMPLATE = (
    "{% for field, errors in form.errors.items %}{{ field }}:{{ errors|join:',' }};{% endfor %}"
)


class NameForm(forms.Form):
    name = forms.CharField()
    note = forms.CharField(required=False)


def rename(*, name: str) -> str:
    """A stand-in service: refuses some names the way real services do."""
    if name == "taken":
        raise ValidationError("That name is taken.", code="name_taken")
    if name == "odd":
        raise ValidationError("Nothing can be called that.", code="odd")
    if name == "note":
        raise ValidationError({"note": ValidationError("Add a note.", code="note_missing")})
    return name.upper()


class RenameView(ServiceFormView):
    form_class = NameForm
    template_name = "rename.html"
    success_message = "Renamed."
    error_fields = {"name_taken": "name"}

    def run_service(self, form):
        return rename(name=form.cleaned_data["name"])

    def get_success_url(self, result) -> str:
        return f"/done/{result}/"


class RenameActionView(ServiceActionView):
    success_message = "Renamed."

    def run_service(self):
        return rename(name=self.kwargs["name"])

    def get_success_url(self, result) -> str:
        return "/back/"


@pytest.fixture
def template(settings, tmp_path):
    (tmp_path / "rename.html").write_text(TEMPLATE)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False, "OPTIONS": {}}
    ]


def _request(method: str, data=None):
    factory = RequestFactory()
    request = factory.post("/", data or {}) if method == "post" else factory.get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(request)]


def test_get_shows_an_empty_form(template):
    response = RenameView.as_view()(_request("get"))
    assert response.status_code == 200
    assert response.content == b""


def test_a_valid_form_calls_the_service_says_so_and_redirects(template):
    request = _request("post", {"name": "anna"})
    response = RenameView.as_view()(request)
    assert response.status_code == 302
    assert response["Location"] == "/done/ANNA/"
    assert _messages(request) == [("success", "Renamed.")]


def test_an_invalid_form_is_shown_again_without_calling_the_service(template):
    request = _request("post", {})
    response = RenameView.as_view()(request)
    assert response.status_code == 200
    assert b"name:" in response.content
    assert _messages(request) == []


def test_a_refusal_goes_to_the_field_its_code_is_mapped_to(template):
    request = _request("post", {"name": "taken"})
    response = RenameView.as_view()(request)
    assert response.status_code == 200
    assert response.content == b"name:That name is taken.;"
    assert _messages(request) == []


def test_a_refusal_for_a_field_goes_to_that_field(template):
    response = RenameView.as_view()(_request("post", {"name": "note"}))
    assert response.content == b"note:Add a note.;"


def test_an_unmapped_refusal_is_a_non_field_error(template):
    response = RenameView.as_view()(_request("post", {"name": "odd"}))
    assert response.status_code == 200
    assert response.content == b"__all__:Nothing can be called that.;"


def test_the_status_of_a_refused_form_can_be_chosen(template):
    view = RenameView.as_view(invalid_status=400)
    assert view(_request("post", {"name": "odd"})).status_code == 400
    assert view(_request("post", {})).status_code == 400


def test_an_action_calls_the_service_says_so_and_redirects():
    request = _request("post")
    response = RenameActionView.as_view()(request, name="anna")
    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert _messages(request) == [("success", "Renamed.")]


def test_a_refused_action_becomes_an_error_message():
    request = _request("post")
    response = RenameActionView.as_view()(request, name="taken")
    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert _messages(request) == [("error", "That name is taken.")]


def test_an_action_refuses_get():
    assert RenameActionView.as_view()(_request("get"), name="anna").status_code == 405


def test_an_invalid_form_can_be_told_above_it(template):
    request = _request("post", {})
    response = RenameView.as_view(invalid_message="Please correct the errors below.")(request)
    assert response.status_code == 200
    assert _messages(request) == [("error", "Please correct the errors below.")]


def test_a_refusal_can_be_a_message_above_the_form_as_typed(template):
    request = _request("post", {"name": "taken", "note": "kept"})
    response = RenameView.as_view(refused_as="message")(request)
    assert (response.status_code, response.content) == (200, b"")
    assert _messages(request) == [("error", "That name is taken.")]


def test_a_refusal_can_send_back_with_a_message(template):
    request = _request("post", {"name": "taken"})
    response = RenameView.as_view(refused_as="redirect")(request)
    assert (response.status_code, response["Location"]) == (302, "/done/None/")
    assert _messages(request) == [("error", "That name is taken.")]


class PickForm(forms.Form):
    name = forms.ChoiceField(choices=[("anna", "anna"), ("taken", "taken")])


class PickActionView(ServiceActionView):
    form_class = PickForm
    success_message = "Renamed."

    def run_service(self):
        return rename(name=self.form.cleaned_data["name"])

    def get_success_url(self, result) -> str:
        return self.next_url("/list/")


def test_an_action_with_a_form_gets_the_valid_form():
    request = _request("post", {"name": "anna"})
    response = PickActionView.as_view()(request)
    assert (response.status_code, response["Location"]) == (302, "/list/")
    assert _messages(request) == [("success", "Renamed.")]


def test_an_invalid_action_form_is_said_without_calling_the_service():
    request = _request("post", {"name": "bob"})
    response = PickActionView.as_view()(request)
    assert (response.status_code, response["Location"]) == (302, "/list/")
    assert [level for level, _text in _messages(request)] == ["error"]


def test_an_invalid_action_form_can_say_one_sentence_instead():
    request = _request("post", {})
    PickActionView.as_view(invalid_message="Pick a name.")(request)
    assert _messages(request) == [("error", "Pick a name.")]


def test_next_is_followed_only_below_the_default_page():
    request = _request("post", {"name": "anna", "next": "/list/?page=2"})
    assert PickActionView.as_view()(request)["Location"] == "/list/?page=2"
    request = _request("post", {"name": "anna", "next": "https://elsewhere.example/list/"})
    assert PickActionView.as_view()(request)["Location"] == "/list/"


class RedirectingRenameView(RenameView):
    def form_refused(self, form, exc):
        return HttpResponseRedirect("/refused/")


def test_a_view_can_answer_a_refusal_its_own_way(template):
    response = RedirectingRenameView.as_view()(_request("post", {"name": "taken"}))
    assert (response.status_code, response["Location"]) == (302, "/refused/")


class RenameOrBackView(RenameActionView):
    def get_refused_url(self) -> str:
        return "/form/"


def test_a_refused_action_can_go_elsewhere_than_a_done_one():
    view = RenameOrBackView.as_view()
    assert view(_request("post"), name="anna")["Location"] == "/back/"
    assert view(_request("post"), name="taken")["Location"] == "/form/"


class RowsRefused(Exception):
    pass


class RowsView(RenameView):
    refusals = (ValidationError, RowsRefused)

    def run_service(self, form):
        raise RowsRefused

    def form_refused(self, form, exc):
        return HttpResponseRedirect("/rows/" if isinstance(exc, RowsRefused) else "/other/")


def test_a_view_can_name_its_service_s_own_refusals(template):
    response = RowsView.as_view()(_request("post", {"name": "anna"}))
    assert response["Location"] == "/rows/"
