"""Approvals: school leaders deciding on bookings that need cover."""
