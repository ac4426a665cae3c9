"""The course catalogue, stored by the catalogue service: courses, their filters and
the admins' course form."""
