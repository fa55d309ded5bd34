"""Imports every table so `SQLModel.metadata` is complete (for Alembic and test set-up)."""

from __future__ import annotations

from sqlmodel import SQLModel

import broadcast.models  # noqa: F401 - registers its tables
import commission.models  # noqa: F401
import distribution.competitions.models
import distribution.models  # noqa: F401
import server.auth.models
import server.kernel.outbox
import server.payments.models  # noqa: F401

metadata = SQLModel.metadata
