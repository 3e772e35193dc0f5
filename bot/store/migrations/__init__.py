"""Alembic's environment and the versioned migrations, shipped inside the package."""
