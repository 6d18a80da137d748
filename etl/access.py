"""Who may write what, checked where the write happens, and the audit row every write leaves.

Roles: viewer (reads), analyst (also loads, removes their own batches, edits rule sets), admin (also
removes any batch, reads the audit log, manages roles). The command line runs as a local admin: it
needs a shell on the server, which is already full access to the database file.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import yaml

ROLES = ("viewer", "analyst", "admin")
PERMISSIONS = {
    "read": {"viewer", "analyst", "admin"},
    "load": {"analyst", "admin"},
    "remove_own": {"analyst", "admin"},
    "remove_any": {"admin"},
    "edit_rules": {"analyst", "admin"},
    "release": {"analyst", "admin"},      # freeze a year's figures as a release, open its correction (etl.releases)
    "read_audit": {"admin"},
    "manage_roles": {"admin"},
}


class AccessDenied(PermissionError):
    """The caller's role does not allow this write; nothing was changed."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a user name (e-mail when signed in) and a role."""

    user: str
    role: str

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise AccessDenied(f"{self.user} ({self.role}) may not {permission.replace('_', ' ')}")


def local_actor() -> Actor:
    """The command line's actor: the OS user (or PAR_USER) with every role."""
    import getpass

    return Actor(os.environ.get("PAR_USER") or getpass.getuser(), "admin")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def write_audit(con: duckdb.DuckDBPyConnection, actor: Actor, action: str, *, batch_id: int | None = None,
                kind: str | None = None, file_name: str | None = None, sha256: str | None = None,
                detail: str | None = None) -> None:
    """Append one audit row, inside the caller's transaction (so it exists exactly when the change does)."""
    con.execute(
        "INSERT INTO audit VALUES (nextval('audit_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_now(), actor.user, actor.role, action, batch_id, kind, file_name, sha256, detail])


def roles_file() -> Path:
    """The role mapping file: PAR_ROLES_FILE, else .streamlit/roles.yaml beside the app."""
    from etl.paths import PROJECT_ROOT

    return Path(os.environ.get("PAR_ROLES_FILE") or PROJECT_ROOT / ".streamlit" / "roles.yaml")


_UNIT_KEY = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9-]+$")


def configured_roles(path: Path | None = None) -> dict:
    """{'default_role': ..., 'users': {email: role}, 'domains': {domain: role}, 'units': {email: SYSTEM:CODE}}
    from the roles file; `units` names a user's own province or ministry (the profile opens on it)."""
    path = path or roles_file()
    if not path.exists():
        return {"default_role": "viewer", "users": {}, "domains": {}, "units": {}}
    doc = yaml.safe_load(path.read_text("utf-8")) or {}
    mapping = {"default_role": doc.get("default_role", "viewer"),
               "users": {str(k).lower(): v for k, v in (doc.get("users") or {}).items()},
               "domains": {str(k).lower().lstrip("@"): v for k, v in (doc.get("domains") or {}).items()},
               "units": {str(k).strip().lower(): str(v).strip() for k, v in (doc.get("units") or {}).items()}}
    for role in [mapping["default_role"], *mapping["users"].values(), *mapping["domains"].values()]:
        if role not in ROLES:
            raise ValueError(f"{path}: unknown role {role!r}; use one of {', '.join(ROLES)}")
    for email, unit in mapping["units"].items():
        if not _UNIT_KEY.match(unit):
            raise ValueError(f"{path}: unit {unit!r} of {email} is not SYSTEM:CODE (e.g. vn34:22)")
    return mapping


def role_for(email: str, con: duckdb.DuckDBPyConnection | None = None, mapping: dict | None = None) -> str:
    """A signed-in user's role: an admin's assignment in the database wins, then the roles file (address,
    then domain), then the file's default role (viewer unless it says otherwise)."""
    email = (email or "").strip().lower()
    domain = email.rsplit("@", 1)[-1] if "@" in email else ""
    if con is not None:
        rows = dict(con.execute("SELECT subject, role FROM role_assignment WHERE subject IN (?, ?)",
                                [email, f"@{domain}"]).fetchall())
        if email in rows:
            return rows[email]
        if f"@{domain}" in rows:
            return rows[f"@{domain}"]
    mapping = mapping or configured_roles()
    return mapping["users"].get(email) or mapping["domains"].get(domain) or mapping["default_role"]


def assign_role(con: duckdb.DuckDBPyConnection, actor: Actor, subject: str, role: str) -> None:
    """Give an address (or a domain written @example.gov.vn) a role; audited."""
    actor.require("manage_roles")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    subject = subject.strip().lower()
    if not subject or (" " in subject) or ("@" not in subject):
        raise ValueError("write an e-mail address, or a domain as @example.gov.vn")
    from etl.db import transaction   # local import: etl.db is low-level and must not import access rules

    with transaction(con):
        con.execute("INSERT OR REPLACE INTO role_assignment VALUES (?, ?, ?, ?)", [subject, role, actor.user, _now()])
        write_audit(con, actor, "role", detail=f"{subject} -> {role}")
