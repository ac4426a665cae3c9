"""Sessions of catalogue courses and the bookings on them: capacity decided by the
database, waiting lists, approvals."""
