"""Turns rules and plans into site pages for MkDocs. Depends on ``playbook``, never the reverse."""
