"""Copies of other services' facts that bookings decides by: course listings (the
catalogue's), the school days of the academic calendar (networks'), who leads which
school (the gateway's).  Kept by deliveries from their owners (shared.facts), never
by anything a request brings along."""
