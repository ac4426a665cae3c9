"""What every feature's pages share: forms (forms.py), sign-in and admin checks and
the other page helpers (pages.py), template filters (filters.py), and the pages of no
feature — the health probes and the dev mailbox (site.py).  Pages read and write
through the GraphQL schema, like any client."""
