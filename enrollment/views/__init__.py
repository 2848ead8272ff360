"""Enrollment pages."""

from enrollment.views.nominees import (  # noqa: F401
    ImportJobDetailView,
    ImportJobKeepProfilesView,
    ImportJobStatusView,
    ImportJobStopView,
    NominatingUnitListView,
    NominatingUnitRemoveView,
    NomineeCreateView,
    NomineeTemplateView,
    NomineeUploadView,
)
from enrollment.views.organisers import (  # noqa: F401
    CourseStatisticsView,
    GroupBalanceView,
    RegistrantMessageView,
    RegistrationApproveView,
    RegistrationGroupAssignView,
    RegistrationListView,
    RegistrationRejectView,
    RegistrationWaitlistView,
)
from enrollment.views.trainees import (  # noqa: F401
    CalendarFeedRegenerateView,
    CalendarFeedView,
    RegistrationCancelView,
    RegistrationCreateView,
    RegistrationMineView,
)
