"""Sharing a partner's link where a URL cannot go: the share code (口令) and the share poster."""
