"""Server-rendered pages (Jinja) and their small, dependency-free scripts and styles."""
