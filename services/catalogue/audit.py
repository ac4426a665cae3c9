"""The catalogue's audit trail (shared/audit.py): what people did to videos — consent
above all — each entry written in the transaction of the change."""
from __future__ import annotations

from services.catalogue.db import CatalogueModel
from shared import audit

AuditEntry = audit.audit_model(CatalogueModel)
