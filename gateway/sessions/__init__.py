"""Sessions and bookings, stored by the bookings service: dates, places, waiting
lists, approvals, attendance, CPD records, certificates and feedback."""
