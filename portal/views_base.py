"""The two shapes of a view that changes something: a form, or a bare POST action.

Both do the same four steps: call one service, say what happened, redirect; and when the
service refuses with a ValidationError, show why: on the form (`add_service_errors`, by the
error's code where the view maps it to a field) or as an error message. A view only declares
its form, its service call and its words.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from portal.forms import add_service_errors, error_text


class _ServiceView(View):
    """What both shapes share: after the service, the success message and the redirect."""

    success_message: Any = ""
    success_url: Any = ""

    def get_success_message(self, result) -> str:
        return str(self.success_message)

    def get_success_url(self, result) -> str:
        return str(self.success_url)

    def succeeded(self, result) -> HttpResponse:
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url(result))

    def next_url(self, default: str) -> str:
        """The posted `next` when it is a page under `default` (e.g. a filtered list), else
        `default`: a form shown on several pages sends its user back where they were, and never
        off the site."""
        next_url = self.request.POST.get("next", "")
        return next_url if default and next_url.startswith(default) else default

    def get_refused_url(self) -> str:
        """Where a refusal sends the user: by default the page a success goes to
        (`get_success_url` gets None for a refusal)."""
        return self.get_success_url(None)

    def refused(self, exc: ValidationError) -> HttpResponse:
        """The service's reason as an error message, then `get_refused_url()`."""
        messages.error(self.request, error_text(exc))
        return HttpResponseRedirect(self.get_refused_url())


class ServiceFormView(_ServiceView):
    """GET shows the form; POST validates it, calls the service once, then redirects.

    Subclasses set `form_class`, `template_name` and `success_message` and implement
    `run_service(form)`; `get_success_url(result)` gets what the service returned.
    `error_fields` maps a ValidationError `code` to the form field it belongs to.
    An invalid form or a refused service shows the page again with `invalid_status`;
    `invalid_message`, when set, is said above an invalid form. `refused_as` says where a
    refusal goes: "form" (onto the form), "message" (an error message above the form as typed)
    or "redirect" (an error message on the page a success goes to). `refusals` are the
    exceptions that mean "refused" (a service with its own kind of refusal adds it, and says how
    to show it by overriding `form_refused(form, exc)`).
    """

    form_class: Any = None
    template_name = ""
    error_fields: Mapping[str, str] = {}
    invalid_status = 200
    invalid_message: Any = ""
    refused_as = "form"
    refusals: tuple[type[Exception], ...] = (ValidationError,)

    def get_form_kwargs(self) -> dict:
        return {}

    def get_initial(self) -> dict:
        return {}

    def get_form(self, data=None, files=None):
        kwargs = self.get_form_kwargs()
        if data is None:
            kwargs.setdefault("initial", self.get_initial())
            return self.form_class(**kwargs)
        return self.form_class(data, files, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        return kwargs

    def render_form(self, form, status: int = 200) -> HttpResponse:
        return render(
            self.request, self.template_name, self.get_context_data(form=form), status=status
        )

    def run_service(self, form) -> Any:
        raise NotImplementedError

    def get(self, request, *args, **kwargs) -> HttpResponse:
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs) -> HttpResponse:
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            if self.invalid_message:
                messages.error(request, str(self.invalid_message))
            return self.render_form(form, status=self.invalid_status)
        try:
            result = self.run_service(form)
        except self.refusals as exc:
            return self.form_refused(form, exc)
        return self.succeeded(result)

    def form_refused(self, form, exc: Any) -> HttpResponse:
        """The service said no: by `refused_as`, its reasons on the form and the page again."""
        if self.refused_as == "redirect":
            return self.refused(exc)
        if self.refused_as == "message":
            messages.error(self.request, error_text(exc))
        else:
            add_service_errors(form, exc, self.error_fields)
        return self.render_form(form, status=self.invalid_status)


class ServiceActionView(_ServiceView):
    """A POST-only step: call the service, say what happened, redirect.

    A ValidationError from the service becomes an error message and sends the user to
    `get_refused_url()` (by default the success page). A view that answers otherwise (JSON for a
    script, a page of its own) overrides `succeeded(result)` and `refused(exc)`.
    An action with a few inputs (ticked rows, a direction) sets `form_class`: the valid form is
    `self.form` in `run_service`; an invalid one is said as error messages (`invalid_message`,
    or the form's own errors) and sends the user back without calling the service.
    """

    http_method_names = ["post", "options"]
    form_class: Any = None
    invalid_message: Any = ""

    def get_form_kwargs(self) -> dict:
        return {}

    def run_service(self) -> Any:
        raise NotImplementedError

    def form_invalid(self, form) -> HttpResponse:
        if self.invalid_message:
            messages.error(self.request, str(self.invalid_message))
        else:
            for errors in form.errors.values():
                messages.error(self.request, " ".join(errors))
        return HttpResponseRedirect(self.get_refused_url())

    def post(self, request, *args, **kwargs) -> HttpResponse:
        if self.form_class is not None:
            self.form = self.form_class(request.POST, **self.get_form_kwargs())
            if not self.form.is_valid():
                return self.form_invalid(self.form)
        try:
            result = self.run_service()
        except ValidationError as exc:
            return self.refused(exc)
        return self.succeeded(result)
