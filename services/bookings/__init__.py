"""Bookings service: sessions, capacity, bookings, waiting lists, orders and payments."""
