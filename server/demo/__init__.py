"""Demo data and the simulated live sale."""
