from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

import bspos.core.converters  # noqa: F401  (registers <id:…> before the apps' URL confs load)
from bspos.agreements.api import router as agreements_api  # noqa: E402
from bspos.api.auth import BearerToken, Session  # noqa: E402
from bspos.assets.api import router as assets_api  # noqa: E402
from bspos.clients.api import router as clients_api  # noqa: E402
from bspos.core import views as core_views
from bspos.core.api import DocumentedAPI, handle_errors  # noqa: E402
from bspos.documentation.api import router as documentation_api  # noqa: E402
from bspos.foundation.api import router as foundation_api  # noqa: E402
from bspos.imports.api import router as imports_api  # noqa: E402
from bspos.intake.api import router as intake_api  # noqa: E402
from bspos.knowledge.api import router as knowledge_api  # noqa: E402
from bspos.leadership.api import router as leadership_api  # noqa: E402
from bspos.mail.api import router as mail_api  # noqa: E402
from bspos.money.api import router as money_api  # noqa: E402
from bspos.notifications.api import router as notifications_api  # noqa: E402
from bspos.people import views as people_views
from bspos.projects.api import router as projects_api  # noqa: E402
from bspos.proposals import views as proposals_views
from bspos.proposals.api import router as proposals_api  # noqa: E402
from bspos.recurring.api import router as recurring_api  # noqa: E402
from bspos.reviews.api import router as reviews_api  # noqa: E402
from bspos.satisfaction import views as satisfaction_views
from bspos.satisfaction.api import router as satisfaction_api  # noqa: E402
from bspos.schedule.api import router as schedule_api  # noqa: E402
from bspos.scorecard.api import router as scorecard_api  # noqa: E402
from bspos.servicedesk.api import router as servicedesk_api  # noqa: E402
from bspos.sla.api import router as sla_api  # noqa: E402
from bspos.timesheets.api import router as timesheets_api  # noqa: E402
from bspos.vault.api import router as vault_api  # noqa: E402
from bspos.vcio import approval_views as vcio_approval_views
from bspos.vcio import views as vcio_views
from bspos.vcio.api import router as vcio_api  # noqa: E402

# The REST API at /api/v1/ (django-ninja): OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.
api = DocumentedAPI(
    title="bspos API", version="1", urls_namespace="api-v1", auth=[BearerToken(), Session()],
    description="Service desk resources of bspos. Authenticate with `Authorization: Bearer <token>` "
                "(create one with `bspos create-token`) or the signed-in session.",
)
handle_errors(api)
for router in (clients_api, agreements_api, sla_api, servicedesk_api, assets_api, money_api, vcio_api, reviews_api,
               knowledge_api, intake_api, mail_api, notifications_api, imports_api, recurring_api, leadership_api,
               satisfaction_api, vault_api, documentation_api, timesheets_api, projects_api, foundation_api,
               proposals_api, schedule_api, scorecard_api):
    api.add_router("", router)

admin.site.site_header = "bspos back office"
admin.site.site_title = "bspos"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", people_views.SignIn.as_view(), name="login"),
    path("login/code/", people_views.sign_in_code, name="login_code"),
    path("password-reset/", auth_views.PasswordResetView.as_view(
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt"), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # the link a contact is emailed when portal access is turned on (clients.services.grant_portal_access)
    path("set-password/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("set-password/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("health/", core_views.health, name="health"),
    path("desk/", include("bspos.servicedesk.urls")),
    path("clients/", include("bspos.clients.urls")),
    path("assets/", include("bspos.assets.urls")),
    path("portal/", include("bspos.portal.urls")),
    path("money/", include("bspos.money.urls")),
    path("owner/", include("bspos.scorecard.urls")),
    path("vcio/", include("bspos.vcio.urls")),
    path("reviews/", include("bspos.reviews.urls")),
    path("knowledge/", include("bspos.knowledge.urls")),
    path("intake/", include("bspos.intake.urls")),
    path("mail/", include("bspos.mail.urls")),
    path("notifications/", include("bspos.notifications.urls")),
    path("imports/", include("bspos.imports.urls")),
    path("documentation/", include("bspos.documentation.urls")),
    path("q/<str:token>/", vcio_views.questionnaire, name="questionnaire"),
    path("approve/<str:token>/", vcio_approval_views.approval, name="approval"),
    path("rate/<str:token>/", satisfaction_views.survey_page, name="survey"),
    path("rate/<str:token>/<str:score>/", satisfaction_views.rate, name="rate"),
    path("recurring/", include("bspos.recurring.urls")),
    path("leadership/", include("bspos.leadership.urls")),
    path("satisfaction/", include("bspos.satisfaction.urls")),
    path("vault/", include("bspos.vault.urls")),
    path("time/", include("bspos.timesheets.urls")),
    path("schedule/", include("bspos.schedule.urls")),
    path("projects/", include("bspos.projects.urls")),
    path("foundation/", include("bspos.foundation.urls")),
    path("proposals/", include("bspos.proposals.urls")),
    path("p/<str:token>/", proposals_views.public, name="proposal-public"),  # the prospect's link, no login
    path("agreements/", include("bspos.money.agreement_urls")),  # the agreement pages show the pricing guard
    path("catalogue/", include("bspos.catalogue.urls")),
    path("account/", include("bspos.people.urls")),
    path("account/passkeys/", include("bspos.people.passkeys")),  # namespace otp_webauthn (the library's tags)
    path("sla/", include("bspos.sla.urls")),
    path("account/", include("bspos.api.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# Error pages in the layout with a way back (templates/403.html, 404.html, 500.html); JSON under /api/.
handler403 = "bspos.core.views.forbidden"
handler404 = "bspos.core.views.not_found"
handler500 = "bspos.core.views.server_error"
