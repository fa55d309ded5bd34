"""Clicks at volume: the tracked redirect, its signed cookie, the buffer and the flusher."""
