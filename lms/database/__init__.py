"""The database itself, for admins: health and index use, the platform schema check, backups."""
