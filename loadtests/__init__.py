"""Benchmarks and locust scenarios. They use the public HTTP/websocket API only, and always run
a baseline in the same run so the figure that matters is a ratio on this machine."""
