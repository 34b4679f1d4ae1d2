"""Serving the dashboard: Voila with a CDN-free template (``voila``), and a headless-browser
driver for the served page (``page``; needs the test extra)."""
