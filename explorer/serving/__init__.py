"""Serving the dashboard: Voila with a CDN-free template and its own kernel start-up
(``voila``, ``kernel``), servers run in the background for tests and benchmarks
(``background``), and a headless-browser driver for the served page (``page``; needs the test
extra)."""
