"""Caches of the project package: whole public pages for anonymous visitors (pages.py)."""
