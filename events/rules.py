"""The events' rule book: a table's coordinators keep its calendar and its registrations; the
ministry reads."""

from partners.rules import add_table_owned_perms

add_table_owned_perms("events", "event", "eventseries", "registration")
