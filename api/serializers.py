"""The shapes of the API's answers and inputs. Serializers only shape data: every rule is in
the services and selectors they are given."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.masking import mask_email, mask_phone
from api.permissions import may_read_personal_data


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("A stable code, e.g. full, not_open, busy."))
    message = serializers.CharField(help_text=_("What went wrong, in the caller's language."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Messages per input field; empty when the error is not about one field."),
    )


class RegionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()


class CourseListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    time_zone = serializers.CharField()
    venue = serializers.CharField()
    city = serializers.CharField()
    region = RegionSerializer(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True, help_text=_("Empty: no limit."))
    requires_approval = serializers.BooleanField()
    registration_opens_at = serializers.DateTimeField(allow_null=True)
    registration_closes_at = serializers.DateTimeField(allow_null=True)


class SpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField(help_text=_("The speaker's position (职务)."))
    organisation = serializers.CharField()


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    room = serializers.CharField()
    speakers = SpeakerSerializer(many=True, source="speakers.all")
    discussion_group_id = serializers.IntegerField(allow_null=True)


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    facilitator = serializers.CharField()
    room = serializers.CharField()


class QuotaSerializer(serializers.Serializer):
    region = RegionSerializer(
        allow_null=True, help_text=_("The region the seats are kept for; null: any region.")
    )
    organisation_type = serializers.CharField(
        help_text=_("The organisation type the seats are kept for (its code); empty: any type.")
    )
    label = serializers.CharField(help_text=_("Whom the seats are kept for, in words."))
    seats = serializers.IntegerField()


class CourseDetailSerializer(CourseListSerializer):
    description = serializers.CharField()
    hosts = serializers.CharField()
    language = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_email = serializers.CharField()
    timetable = SessionSerializer(many=True, help_text=_("Sessions in time order."))
    groups = GroupSerializer(many=True, source="groups_list", help_text=_("Discussion groups."))
    quotas = QuotaSerializer(
        many=True, help_text=_("Seats kept per region, per organisation type, or both.")
    )


class _PersonalFields(serializers.Serializer):
    """Mobile numbers and e-mail addresses, masked unless the caller may read personal data."""

    def _personal(self, value: str, mask) -> str:
        request = self.context.get("request")
        if request is not None and may_read_personal_data(request):
            return value
        return mask(value)


class RegistrationSerializer(_PersonalFields):
    id = serializers.IntegerField()
    course_id = serializers.IntegerField()
    status = serializers.CharField(
        help_text="pending | confirmed | waitlisted | rejected | cancelled"
    )
    source = serializers.CharField()
    full_name = serializers.CharField()
    organisation_name = serializers.CharField()
    organisation_type = serializers.CharField()
    region = RegionSerializer()
    position = serializers.CharField()
    phone = serializers.SerializerMethodField(
        help_text=_("Masked unless the token may read personal data.")
    )
    email = serializers.SerializerMethodField(
        help_text=_("Masked unless the token may read personal data.")
    )
    created_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)

    def get_phone(self, registration) -> str:
        return self._personal(registration.phone, mask_phone)

    def get_email(self, registration) -> str:
        return self._personal(registration.trainee.email, mask_email)


class AttendanceSummarySerializer(serializers.Serializer):
    registration_id = serializers.IntegerField(source="registration.pk")
    full_name = serializers.CharField(source="registration.full_name")
    organisation_name = serializers.CharField(source="registration.organisation_name")
    sessions = serializers.IntegerField(help_text=_("Sessions that apply to the trainee."))
    attended = serializers.IntegerField(
        help_text=_("Of those, attended as the course's certificate rule counts them.")
    )
    attendance_percent = serializers.IntegerField(source="percent")
    course_hours = serializers.DecimalField(
        source="hours",
        max_digits=6,
        decimal_places=1,
        help_text=_("Learning hours of the sessions that apply to the trainee."),
    )
    attended_hours = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        help_text=_("Learning hours earned by attendance, as on the certificate."),
    )


class AttendanceSummaryListSerializer(serializers.Serializer):
    results = AttendanceSummarySerializer(many=True)


class RegistrationCreateSerializer(serializers.Serializer):
    course = serializers.IntegerField(help_text=_("The course to register the caller for."))


class RegistrationCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RegistrationDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("Required to reject; the trainee sees it."),
    )


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()
    region = RegionSerializer()


class MeSerializer(_PersonalFields):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    position = serializers.CharField()
    organisation = OrganisationSerializer(allow_null=True)
    preferred_language = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    scopes = serializers.ListField(
        child=serializers.CharField(), help_text=_("The scopes of the token in use.")
    )

    def get_email(self, user) -> str:
        return self._personal(user.email, mask_email)

    def get_phone(self, user) -> str:
        return self._personal(user.phone, mask_phone)


class DocumentListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    title_en = serializers.CharField()
    number = serializers.CharField(help_text=_("The document number, e.g. 发改振兴〔2015〕2103号."))
    issue_date = serializers.DateField()
    effective_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    category = serializers.CharField()


class DocumentFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class DocumentDetailSerializer(DocumentListSerializer):
    summary = serializers.CharField()
    files = DocumentFileSerializer(many=True, source="files_list")


class CertificateVerdictSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["valid", "revoked", "not_found"])
    name_matches = serializers.BooleanField(
        allow_null=True,
        help_text=_(
            "Whether the name given in ?name= is the holder's; empty when no name was given."
        ),
    )
