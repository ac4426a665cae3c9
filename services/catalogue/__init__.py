"""Catalogue service: courses now; cascaded programmes, sprints, QA notes and videos later."""
