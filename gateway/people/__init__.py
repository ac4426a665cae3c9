"""People and roles: accounts, schools and role grants — the gateway's own data
(gateway/identity) — with the home page and the admins' people page."""
