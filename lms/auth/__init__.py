"""Sign-in: credentials, throttling, the login pages and the role rules."""
