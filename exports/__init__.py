"""Printable documents: turns already-loaded plain data into PDFs (no Flask, no database)."""

from .fonts import FONT_ROLES, font_report

__all__ = ["FONT_ROLES", "font_report"]
