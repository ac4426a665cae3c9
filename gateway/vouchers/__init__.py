"""Vouchers for admins: the GraphQL fields over the bookings service's vouchers, and
the pages that list, make and show them."""
