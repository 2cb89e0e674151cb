"""The HTTP service: ``drugfree serve`` and the pieces it is made of.

A front over the library (install with ``pip install "drugfree-core[serve]"``): FastAPI
and uvicorn serve the endpoints of :func:`create_app`; bearer tokens with a scope of
provinces and permissions decide who may see what (:class:`TokenStore`,
:class:`ScopeGuard`); every evaluation, explanation and report request is appended to the
audit log (:class:`AuditLog`). The service holds no logic of its own: it calls the
library's functions, writes their attrs results through the one cattrs converter, and
derives its OpenAPI schemas from the same classes (:mod:`drugfree_core.service.schemas`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drugfree_core.service.app import API_VERSION, ServiceConfig, create_app, openapi_document
    from drugfree_core.service.audit import AuditEntry, AuditLog, AuditSummary, summarise
    from drugfree_core.service.auth import (
        PERMISSIONS,
        AccessError,
        Grant,
        ScopeGuard,
        TokenStore,
        mint_token,
        token_hash,
    )
    from drugfree_core.service.schemas import schemas_for

_WHERE = {
    "API_VERSION": "drugfree_core.service.app",
    "ServiceConfig": "drugfree_core.service.app",
    "create_app": "drugfree_core.service.app",
    "openapi_document": "drugfree_core.service.app",
    "AuditEntry": "drugfree_core.service.audit",
    "AuditLog": "drugfree_core.service.audit",
    "AuditSummary": "drugfree_core.service.audit",
    "summarise": "drugfree_core.service.audit",
    "PERMISSIONS": "drugfree_core.service.auth",
    "AccessError": "drugfree_core.service.auth",
    "Grant": "drugfree_core.service.auth",
    "ScopeGuard": "drugfree_core.service.auth",
    "TokenStore": "drugfree_core.service.auth",
    "mint_token": "drugfree_core.service.auth",
    "token_hash": "drugfree_core.service.auth",
    "schemas_for": "drugfree_core.service.schemas",
}

__all__ = [
    "API_VERSION",
    "PERMISSIONS",
    "AccessError",
    "AuditEntry",
    "AuditLog",
    "AuditSummary",
    "Grant",
    "ScopeGuard",
    "ServiceConfig",
    "TokenStore",
    "create_app",
    "mint_token",
    "openapi_document",
    "schemas_for",
    "summarise",
    "token_hash",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'drugfree_core.service' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
