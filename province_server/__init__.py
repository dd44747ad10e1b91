"""Province server of Quầy Một Cửa: sync API (FastAPI + PostgreSQL via psycopg 3)."""

__version__ = "0.1.0"
