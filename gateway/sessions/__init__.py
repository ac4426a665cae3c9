"""Sessions and bookings, stored by the bookings service: dates, places, waiting
lists, approvals, attendance, CPD records, certificates and feedback.  types.py: the
types, and the fields they add to Course and Person; graph.py: the queries and
mutations; pages.py: sessions, the session form, the register; booking_pages.py: My
CPD, a school's bookings, approvals, certificates."""
