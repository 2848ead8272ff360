import re
from typing import cast

from crispy_forms.bootstrap import FormActions
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from policies.models import DocumentFile, IssuingAuthority, PolicyDocument, Tag
from policies.selectors import (
    DocumentFilters,
    authority_list,
    document_choices_for_relations,
    document_years,
    tag_list_visible_to,
)
from policies.services import DocumentData

_TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DocumentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Number, title or words, e.g. 2015 2103 or 高技能人才"),
                "type": "search",
            }
        ),
    )
    authority: "forms.ModelChoiceField[IssuingAuthority]" = forms.ModelChoiceField(
        label=_("Issuing authority"),
        queryset=None,
        required=False,
        empty_label=_("Any authority"),
    )
    year = forms.TypedChoiceField(
        label=pgettext_lazy("policy library", "Year"), coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    tag: "forms.ModelChoiceField[Tag]" = forms.ModelChoiceField(
        label=pgettext_lazy("policy library", "Tag"), queryset=None, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authority_list()
        self.fields["tag"].queryset = tag_list_visible_to(user)
        self.fields["tag"].empty_label = pgettext_lazy("policy library", "Any tag")
        self.fields["year"].choices = [("", pgettext_lazy("policy library", "Any year"))] + [
            (year, str(year)) for year in document_years()
        ]
        self.fields["status"].choices = [("", _("Any status")), *PolicyDocument.Status.choices]
        self.fields["category"].choices = [
            ("", _("Any category")),
            *PolicyDocument.Category.choices,
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_class = "document-search mb-3"
        self.helper.layout = Layout(
            Row(
                Column(Field("q"), css_class="col-12 col-lg-6"),
                Column("authority", css_class="col-12 col-sm-6 col-lg-3"),
                Column("year", css_class="col-6 col-sm-3 col-lg-3"),
                Column("status", css_class="col-6 col-sm-3 col-lg-4"),
                Column("category", css_class="col-6 col-lg-4"),
                Column("tag", css_class="col-6 col-lg-4"),
            ),
            FormActions(Submit("", _("Search"), css_class="btn-primary")),
        )

    def filters(self) -> DocumentFilters:
        if not self.is_bound:
            return DocumentFilters()
        self.is_valid()  # an invalid filter is dropped; the valid ones still apply
        data = self.cleaned_data
        return DocumentFilters(
            query=data.get("q") or "",
            authority=data.get("authority"),
            year=data.get("year"),
            status=data.get("status") or "",
            category=data.get("category") or "",
            tag=data.get("tag"),
        )


class DocumentForm(forms.Form):
    """Create or edit a document (the fields of policies.services.DocumentData)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    title_en = forms.CharField(label=_("English title"), max_length=400, required=False)
    number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        required=False,
        help_text=_("As printed, e.g. 发改振兴〔2015〕2103号."),
    )
    authorities = forms.CharField(
        label=_("Issuing authorities"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, in the order printed on the document (the lead body first). "
            "Use the Chinese name, the English name or the short name of a known authority."
        ),
    )
    issue_date = forms.DateField(label=_("Issue date"), widget=DateInput())
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=PolicyDocument.Status.choices)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "---------"), *PolicyDocument.Category.choices]
    )
    tags = forms.CharField(
        label=pgettext_lazy("policy library", "Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, e.g. 技能人才、职业教育."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=PolicyDocument.Visibility.choices
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    full_text = forms.CharField(
        label=pgettext_lazy("policy library", "Full text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "Optional; searched but not shown. Text of uploaded PDF and DOCX files is "
            "extracted for search automatically."
        ),
    )
    amends = forms.ModelMultipleChoiceField(
        label=_("This document amends"),
        queryset=PolicyDocument.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    replaces = forms.ModelMultipleChoiceField(
        label=_("This document replaces (repeals)"),
        queryset=PolicyDocument.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    publish = forms.BooleanField(
        label=_("Publish now"),
        required=False,
        help_text=_(
            "Unpublished documents are drafts that only organisers and administrators see."
        ),
    )

    def __init__(self, *args, document: PolicyDocument | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = document_choices_for_relations(exclude=document)
        for name in ("amends", "replaces"):
            cast(forms.ModelMultipleChoiceField, self.fields[name]).queryset = choices
        if document is not None:
            del self.fields["publish"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            "title_en",
            Row(
                Column("number", css_class="col-md-6"),
                Column("category", css_class="col-md-6"),
            ),
            "authorities",
            Row(
                Column("issue_date", css_class="col-6 col-md-3"),
                Column("effective_date", css_class="col-6 col-md-3"),
                Column("status", css_class="col-6 col-md-3"),
                Column("visibility", css_class="col-6 col-md-3"),
            ),
            "tags",
            "summary",
            "full_text",
            Row(
                Column("amends", css_class="col-md-6"),
                Column("replaces", css_class="col-md-6"),
            ),
            *(["publish"] if document is None else []),
            FormActions(Submit("save", pgettext_lazy("button", "Save"))),
        )

    @staticmethod
    def initial_for(document: PolicyDocument) -> dict:
        return {
            "title": document.title,
            "title_en": document.title_en,
            "number": document.number,
            "authorities": "\n".join(
                link.authority.name_zh
                for link in document.documentauthority_set.select_related("authority")
            ),
            "issue_date": document.issue_date,
            "effective_date": document.effective_date,
            "status": document.status,
            "category": document.category,
            "tags": "、".join(document.tags.values_list("name", flat=True)),
            "visibility": document.visibility,
            "summary": document.summary,
            "full_text": document.full_text,
            "amends": [r.target_id for r in document.outgoing_relations.filter(kind="amends")],
            "replaces": [r.target_id for r in document.outgoing_relations.filter(kind="replaces")],
        }

    def clean_authorities(self) -> list[IssuingAuthority]:
        names = [" ".join(line.split()) for line in self.cleaned_data["authorities"].splitlines()]
        names = [name for name in names if name]
        found, unknown = [], []
        for name in names:
            authority = IssuingAuthority.objects.filter(
                Q(name_zh="".join(name.split()))
                | Q(short_name__iexact=name)
                | Q(name_en__iexact=name)
            ).first()
            if authority is None:
                unknown.append(name)
            else:
                found.append(authority)
        if unknown:
            raise forms.ValidationError(
                _("Unknown issuing authority: %(names)s. Add it first, then try again."),
                code="unknown_authority",
                params={"names": "、".join(unknown)},
            )
        if not found:
            raise forms.ValidationError(
                _("Name at least one issuing authority."), code="no_authority"
            )
        return found

    def clean_tags(self) -> list[str]:
        return [
            tag.strip() for tag in _TAG_SEPARATORS.split(self.cleaned_data["tags"]) if tag.strip()
        ]

    def document_data(self) -> DocumentData:
        data = self.cleaned_data
        return DocumentData(
            title=data["title"],
            title_en=data["title_en"],
            number=data["number"],
            authorities=data["authorities"],
            issue_date=data["issue_date"],
            effective_date=data["effective_date"],
            status=data["status"],
            category=data["category"],
            tags=data["tags"],
            visibility=data["visibility"],
            summary=data["summary"],
            full_text=data["full_text"],
            amends=list(data["amends"]),
            replaces=list(data["replaces"]),
        )


class DocumentFileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"), choices=DocumentFile.Kind.choices)
    upload = forms.FileField(
        label=pgettext_lazy("uploaded file", "File"),
        help_text=_(
            "The original and its translations: PDF or Word. Attachments may also be Excel, "
            "PowerPoint or pictures (PNG, JPG). Office files with macros are refused."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("kind", "upload", FormActions(Submit("save", _("Upload"))))


class AuthorityForm(forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=40,
        required=False,
        help_text=_("The abbreviation used in document numbers, e.g. 发改 or 人社部."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name_zh",
            "name_en",
            "short_name",
            FormActions(Submit("save", pgettext_lazy("button", "Save"))),
        )
