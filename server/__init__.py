"""Composition root: app factory, settings, database, auth, pages and the CLI.

Domains import only `server.kernel` (shared building blocks that know no domain)."""
