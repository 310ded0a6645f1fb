from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partners.models import Invitation, Organisation, Table
from partners.services import InvitationError, invitation_create


class Command(BaseCommand):
    help = _(
        "Invite une personne par courriel et affiche le lien d'invitation (un compte existant "
        "doit accepter l'invitation à ce lien)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--organisation", required=True, help=_("identifiant de l'organisation")
        )
        parser.add_argument("--role", required=True, choices=Invitation.Role.values)
        parser.add_argument("--table", help=_("identifiant de la table (coordination)"))

    def handle(self, *args, email, organisation, role, table, **options):
        try:
            organisation_obj = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist as error:
            raise CommandError(
                _("Aucune organisation « %(slug)s ».") % {"slug": organisation}
            ) from error
        table_obj = None
        if table:
            try:
                table_obj = Table.objects.get(slug=table)
            except Table.DoesNotExist as error:
                raise CommandError(_("Aucune table « %(slug)s ».") % {"slug": table}) from error
        try:
            _invitation, link = invitation_create(
                email=email, organisation=organisation_obj, role=role, table=table_obj
            )
        except InvitationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(link)
