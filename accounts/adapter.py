from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation
from django.utils.crypto import get_random_string

from accounts.roles import Role


class AccountAdapter(DefaultAccountAdapter):
    """allauth's hooks: every e-mail goes through our outbox, in the recipient's language."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from notifications import outbox

        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, mimetype in message.alternatives if mimetype == "text/html"), ""
        )
        outbox.enqueue(
            outbox.Message(
                # Each allauth mail is a fresh message (a second "resend" must send again).
                key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{get_random_string(20)}",
                to_email=email,
                recipient=user if getattr(user, "pk", None) else None,
                language=language,
                subject=message.subject,
                body_text=message.body,
                body_html=html,
            )
        )

    def confirm_email(self, request, email_address):
        from accounts.services import user_role_grant

        super().confirm_email(request, email_address)
        # A verified address makes the person a trainee.
        user_role_grant(user=email_address.user, role=Role.TRAINEE)
