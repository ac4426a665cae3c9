"""People, schools, organisations, role grants and sign-in sessions."""
