"""CSV reports: SQL definitions, streaming from a server-side cursor, page and `flask export`."""
