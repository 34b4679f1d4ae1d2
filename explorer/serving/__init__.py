"""Serving the dashboard: Voila with a CDN-free template (``voila``), servers run in the
background for tests and benchmarks (``background``), and a headless-browser driver for the
served page (``page``; needs the test extra)."""
