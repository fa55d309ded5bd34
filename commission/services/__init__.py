"""Services behind the commission API: one method per controller action."""
