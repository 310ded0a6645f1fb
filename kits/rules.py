"""The diffusion kits' rule book."""

import rules

from partners import roles
from partners.rules import add_table_owned_perms, coordinates_owner, is_superuser, reads_table_data

add_table_owned_perms("kits", "kit", "copyblock", "kitasset", "kitadoption")


@rules.predicate
def is_municipality_contact(user, adoption=None):
    """The municipality's own people (its designated contact, its organisation's accounts)."""
    if adoption is None:
        return bool(roles.municipality_ids(user))
    return adoption.municipality_id in roles.municipality_ids(user)


# A kit adoption (the object: the municipality's KitAdoption, saved or not) is marked by the
# municipality itself or by the coordinators of the kit's table.
rules.add_perm("kits.mark_adoption", is_superuser | coordinates_owner | is_municipality_contact)
# The adoption matrix of a table (the object: the table): its coordinators and the ministry.
rules.add_perm("kits.view_adoption_matrix", reads_table_data)
