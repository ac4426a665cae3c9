"""Bookings: a person's place on a session, or in its queue; cancelling it; who is booked."""
