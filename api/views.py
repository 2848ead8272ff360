"""The API's endpoints under /api/v1/. Each one authorises through the portal's selectors,
shapes with a serializer and writes through one service; refusals become the one error shape
(`api.errors`)."""

import datetime

from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import user_roles
from api import idempotency
from api import serializers as s
from api.models import ApiToken, IdempotencyRecord, Scope
from api.permissions import HasScope
from api.services import api_write_audit
from certificates import services as certificate_services
from certificates.forms import same_name
from certificates.models import normalise_code
from certificates.selectors import certificate_verdict, eligibility_for_course
from courses.models import Course
from courses.selectors import (
    CatalogueFilters,
    course_catalogue,
    course_detail_for,
    course_list_editable_by,
    course_list_visible_to,
    session_list_for_course,
)
from enrollment.models import Registration
from enrollment.selectors import (
    RegistrationFilters,
    registration_list_for_course,
    registration_list_for_user,
)
from enrollment.services.approval import registration_approve, registration_reject
from enrollment.services.registration import registration_cancel, registration_create
from policies.models import PolicyDocument
from policies.selectors import (
    DocumentFilters,
    document_files,
    document_get_for_user,
    document_search,
)

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="The input or the request was refused."),
    401: OpenApiResponse(s.ErrorSerializer, description="No valid token or session."),
    403: OpenApiResponse(s.ErrorSerializer, description="The token lacks the scope."),
    404: OpenApiResponse(s.ErrorSerializer, description="Not found, or not yours to see."),
    429: OpenApiResponse(
        s.ErrorSerializer, description="Too many requests from this token or address."
    ),
}
# The answers of a write (sent with an Idempotency-Key, see the guide).
BUSY = {
    409: OpenApiResponse(
        s.ErrorSerializer, description="This Idempotency-Key's first request is being answered."
    ),
    422: OpenApiResponse(
        s.ErrorSerializer, description="This Idempotency-Key was used for another request."
    ),
    503: OpenApiResponse(s.ErrorSerializer, description="The course is busy; retry."),
}
IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    str,
    OpenApiParameter.HEADER,
    description=(
        "Optional, at most 200 characters. Sending the same key and body again returns the "
        "first answer instead of repeating the write; another body with the same key is "
        "refused (422)."
    ),
)


def _refuse_null_characters(request: Request, path_values: dict) -> None:
    """The database cannot store or compare text with a NUL character: a query parameter or a
    part of the address that holds one is refused with 400 (bodies are checked by their
    serializers)."""
    names = sorted(
        name
        for name, values in [*request.query_params.lists(), *path_values.items()]
        if "\x00" in name or any("\x00" in str(value) for value in values)
    )
    if names:
        message = str(ProhibitNullCharactersValidator.message)
        raise exceptions.ValidationError({name.replace("\x00", ""): [message] for name in names})


class ApiView(APIView):
    """Every change made with a token is audited with the token's name."""

    permission_classes = [HasScope]
    required_scope: str | None = None
    idempotency_record: IdempotencyRecord | None = None

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        _refuse_null_characters(request, {name: [value] for name, value in kwargs.items()})
        self.idempotency_record = idempotency.reserve(request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.Replay):
            return idempotency.replayed(exc.record)
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.idempotency_record is not None:
            idempotency.settle(self.idempotency_record, response)
            self.idempotency_record = None
        token = getattr(request, "auth", None)
        changed = (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 400
            and not response.has_header("Idempotent-Replayed")
        )
        if isinstance(token, ApiToken) and changed:
            api_write_audit(
                token=token,
                method=request.method or "",
                path=request.path,
                status=response.status_code,
                target_name=getattr(self, "audit_target", ""),
            )
        return response


class WithParts:
    """An object with the related lists its page shows, read once by the view."""

    def __init__(self, obj: object, **parts: object) -> None:
        self._obj = obj
        self.__dict__.update(parts)

    def __getattr__(self, name: str) -> object:
        return getattr(self._obj, name)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _year(value: str | None) -> int | None:
    year = _int_or_none(value)
    if year is not None and not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise exceptions.ValidationError({"year": [_("Enter a year between 1 and 9999.")]})
    return year


def _month(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Search title, summary, timetable, speakers."),
        OpenApiParameter("category", str),
        OpenApiParameter("region", int, description="Region id."),
        OpenApiParameter("month", str, description="YYYY-MM: courses running in that month."),
        OpenApiParameter("open", bool, description="Only courses open for registration now."),
        OpenApiParameter("organisation_type", str),
    ],
    responses={200: s.CourseListSerializer(many=True), **ERRORS},
)
class CourseListView(ApiView, generics.ListAPIView):
    """The published catalogue, with the catalogue page's filters and search."""

    required_scope = Scope.READ_COURSES
    serializer_class = s.CourseListSerializer

    def get_queryset(self) -> QuerySet[Course]:
        params = self.request.query_params
        filters = CatalogueFilters(
            q=params.get("q", "")[:200],
            category=params.get("category", ""),
            region_id=_int_or_none(params.get("region")),
            month=_month(params.get("month")),
            open_only=params.get("open") in ("1", "true"),
            organisation_type=params.get("organisation_type", ""),
        )
        return course_catalogue(filters).courses.select_related("region")


@extend_schema(responses={200: s.CourseDetailSerializer, **ERRORS})
class CourseDetailView(ApiView):
    """One course the caller may see, with its timetable, speakers, groups and quotas."""

    required_scope = Scope.READ_COURSES

    def get(self, request: Request, pk: int) -> Response:
        try:
            course = course_detail_for(course_id=pk, user=request.user)
        except Course.DoesNotExist:
            raise Http404 from None
        shown = WithParts(
            course,
            timetable=list(session_list_for_course(course).order_by("starts_at", "order", "pk")),
            groups_list=list(course.groups.order_by("name", "pk")),
        )
        return Response(s.CourseDetailSerializer(shown, context={"request": request}).data)


@extend_schema(responses={200: s.AttendanceSummaryListSerializer, **ERRORS})
class CourseAttendanceView(ApiView):
    """Each confirmed trainee's attendance and hours, for the course's organisers and
    administrators: the numbers the certificates are issued on."""

    required_scope = Scope.MANAGE_REGISTRATIONS

    def get(self, request: Request, pk: int) -> Response:
        course = get_object_or_404(course_list_editable_by(request.user), pk=pk)
        rows = eligibility_for_course(course)
        return Response(s.AttendanceSummaryListSerializer({"results": rows}).data)


@extend_schema(responses={200: s.MeSerializer, **ERRORS})
class MeView(ApiView):
    """The caller: profile, roles and the scopes of the token in use."""

    def get(self, request: Request) -> Response:
        user = request.user
        user.roles = sorted(user_roles(user))
        token = request.auth
        user.scopes = token.scopes if isinstance(token, ApiToken) else list(Scope.values)
        return Response(s.MeSerializer(user, context={"request": request}).data)


def registrations_managed_by(user) -> QuerySet[Registration]:
    """Registrations of the courses the caller organises (administrators: every course)."""
    return Registration.objects.filter(
        course__in=course_list_editable_by(user).values("pk")
    ).select_related("course", "trainee", "region")


def registrations_in_reach(user) -> QuerySet[Registration]:
    """The caller's own registrations and those of the courses they organise."""
    own = registration_list_for_user(user)
    managed = Registration.objects.filter(course__in=course_list_editable_by(user).values("pk"))
    return (own | managed).select_related("course", "trainee", "region")


@extend_schema(
    parameters=[
        OpenApiParameter("course", int, description="A course you organise: its registrations."),
        OpenApiParameter("status", str, description="pending, confirmed, waitlisted, ..."),
    ],
    responses={200: s.RegistrationSerializer(many=True), **ERRORS},
)
class RegistrationListView(ApiView, generics.ListAPIView):
    """Without `course`: the caller's own registrations. With `course`: that course's
    registrations, for its organisers and administrators (the same rule as the web list)."""

    required_scope = Scope.MANAGE_REGISTRATIONS
    serializer_class = s.RegistrationSerializer

    def get_queryset(self) -> QuerySet[Registration]:
        params = self.request.query_params
        user = self.request.user
        status_filter = params.get("status", "")
        course_id = params.get("course")
        if course_id is not None:
            course = get_object_or_404(course_list_editable_by(user), pk=_int_or_none(course_id))
            registrations = registration_list_for_course(
                course, RegistrationFilters(status=status_filter)
            )
        else:
            registrations = registration_list_for_user(user).select_related("trainee", "region")
            if status_filter:
                registrations = registrations.filter(status=status_filter)
        return registrations.order_by()

    @extend_schema(
        request=s.RegistrationCreateSerializer,
        responses={201: s.RegistrationSerializer, **ERRORS, **BUSY},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request) -> Response:
        """Register the caller for a course: confirmed, pending approval or waitlisted, decided
        under the course lock exactly as on the course page."""
        form = s.RegistrationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        course = get_object_or_404(
            course_list_visible_to(request.user), pk=form.validated_data["course"]
        )
        registration = registration_create(course_id=course.pk, trainee=request.user)
        self.audit_target = str(registration)
        registration = Registration.objects.select_related("trainee", "region").get(
            pk=registration.pk
        )
        return Response(
            s.RegistrationSerializer(registration, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(responses={200: s.RegistrationSerializer, **ERRORS})
class RegistrationDetailView(ApiView):
    required_scope = Scope.MANAGE_REGISTRATIONS

    def get(self, request: Request, pk: int) -> Response:
        registration = get_object_or_404(registrations_in_reach(request.user), pk=pk)
        return Response(s.RegistrationSerializer(registration, context={"request": request}).data)


@extend_schema(
    request=s.RegistrationCancelSerializer,
    responses={200: s.RegistrationSerializer, **ERRORS, **BUSY},
    parameters=[IDEMPOTENCY_KEY],
)
class RegistrationCancelView(ApiView):
    """Cancel a registration (the trainee's own, or one of a course the caller organises)."""

    required_scope = Scope.MANAGE_REGISTRATIONS

    def post(self, request: Request, pk: int) -> Response:
        registration = get_object_or_404(registrations_in_reach(request.user), pk=pk)
        form = s.RegistrationCancelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        registration_cancel(
            registration_id=registration.pk,
            by=request.user,
            reason=form.validated_data.get("reason", ""),
        )
        self.audit_target = str(registration)
        registration.refresh_from_db()
        return Response(s.RegistrationSerializer(registration, context={"request": request}).data)


class _RegistrationDecisionView(ApiView):
    """An organiser's decision on one registration of their course, under the course lock."""

    required_scope = Scope.MANAGE_REGISTRATIONS

    def decide(self, registration: Registration, reason: str) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        registration = get_object_or_404(registrations_managed_by(request.user), pk=pk)
        form = s.RegistrationDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        self.decide(registration, form.validated_data.get("reason", ""))
        self.audit_target = str(registration)
        registration.refresh_from_db()
        return Response(s.RegistrationSerializer(registration, context={"request": request}).data)


@extend_schema(
    request=s.RegistrationDecisionSerializer,
    responses={200: s.RegistrationSerializer, **ERRORS, **BUSY},
    parameters=[IDEMPOTENCY_KEY],
)
class RegistrationApproveView(_RegistrationDecisionView):
    """Approve a registration pending approval (it already holds its seat)."""

    def decide(self, registration: Registration, reason: str) -> None:
        registration_approve(registration_id=registration.pk, by=self.request.user)


@extend_schema(
    request=s.RegistrationDecisionSerializer,
    responses={200: s.RegistrationSerializer, **ERRORS, **BUSY},
    parameters=[IDEMPOTENCY_KEY],
)
class RegistrationRejectView(_RegistrationDecisionView):
    """Reject a pending or waitlisted registration; `reason` is required and the trainee sees
    it. A freed seat goes to the waiting list."""

    def decide(self, registration: Registration, reason: str) -> None:
        registration_reject(registration_id=registration.pk, by=self.request.user, reason=reason)


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Words or a document number in any spelling."),
        OpenApiParameter(
            "year",
            {"type": "integer", "minimum": datetime.MINYEAR, "maximum": datetime.MAXYEAR},
            description="Year of issue.",
        ),
        OpenApiParameter("status", str),
        OpenApiParameter("category", str),
    ],
    responses={200: s.DocumentListSerializer(many=True), **ERRORS},
)
class DocumentListView(ApiView, generics.ListAPIView):
    """The policy-document library, searched as on its page."""

    required_scope = Scope.READ_COURSES
    serializer_class = s.DocumentListSerializer

    def get_queryset(self):
        params = self.request.query_params
        filters = DocumentFilters(
            query=params.get("q", "")[:200],
            year=_year(params.get("year")),
            status=params.get("status", ""),
            category=params.get("category", ""),
        )
        return document_search(user=self.request.user, filters=filters).order_by()


@extend_schema(responses={200: s.DocumentDetailSerializer, **ERRORS})
class DocumentDetailView(ApiView):
    required_scope = Scope.READ_COURSES

    def get(self, request: Request, pk: int) -> Response:
        try:
            document = document_get_for_user(user=request.user, pk=pk)
        except PolicyDocument.DoesNotExist:
            raise Http404 from None
        shown = WithParts(document, files_list=list(document_files(document=document)))
        return Response(s.DocumentDetailSerializer(shown).data)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "name", OpenApiTypes.STR, description="The name printed on the paper, to compare."
        )
    ],
    responses={
        200: s.CertificateVerdictSerializer,
        400: OpenApiResponse(
            s.ErrorSerializer, description="A parameter holds a character that cannot be looked up."
        ),
        404: s.CertificateVerdictSerializer,
        429: OpenApiResponse(s.ErrorSerializer, description="Too many look-ups."),
    },
    auth=[],
)
class CertificateVerifyView(ApiView):
    """Whether a certificate number is valid, revoked or unknown, and nothing more: like the
    public page, it names no one; a name given in `name` is only compared."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request: Request, code: str) -> Response:
        if certificate_services.verification_lookups_exceeded():
            return Response(
                {
                    "code": "throttled",
                    "message": str(
                        _("Too many look-ups from your address. Please try again in ten minutes.")
                    ),
                    "fields": {},
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "600"},
            )
        result, certificate = certificate_verdict(normalise_code(code))
        name = request.query_params.get("name", "")[:100]
        name_matches = None
        if result == "valid" and certificate is not None and name:
            name_matches = same_name(name, certificate.trainee_name)
        data = {"result": result, "name_matches": name_matches}
        response = Response(data, status=404 if result == "not_found" else 200)
        response["Cache-Control"] = "no-store"
        return response
