from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from webhooks.models import Event


class WebhookSubscriptionForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("webhook", "Name"),
        max_length=100,
        help_text=_("Which system receives it, e.g. “HR system”."),
    )
    url = forms.CharField(
        label=_("Receiving address (URL)"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://hr.example.cn/portal-events"}),
        help_text=_("The portal POSTs each event here as JSON, signed with the secret."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(Event.values),
    )
