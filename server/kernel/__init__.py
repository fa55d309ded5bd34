"""Building blocks shared by every domain: ids, money, errors, pagination, the database session,
the authenticated principal and the transactional outbox. The kernel imports no domain."""
