"""A start-up hook for the test LibreTranslate servers: the loopback guard, and one log line per request
the server starts handling, so that a test can wait for "the server has the request" instead of guessing
it with a sleep. ``sitecustomize.py`` here is found first on the server's ``PYTHONPATH``."""
