"""The table's mailing list: subscribers with their consent, messages and their deliveries."""
