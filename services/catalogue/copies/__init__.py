"""Copies of other services' facts that the catalogue decides by: the school days of
the academic calendar (networks'), which time the cascade's reminders and bound its
sprint dates, and each school's risk band (the gateway's), which says how much of a
sprint the central team attends.  Kept by deliveries from their owners (shared.facts),
never by anything a request brings along."""
