"""Invoices, credit notes and the order emails: the documents of the invoice route."""
