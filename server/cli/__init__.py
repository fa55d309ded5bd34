"""The `zhixiang` command."""
