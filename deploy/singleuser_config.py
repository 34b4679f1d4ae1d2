"""Each student's server, as JupyterHub starts it (``--config`` of this file: see
jupyterhub_config.py, and kubernetes/values.yaml, where the image holds this checkout): Voila
as ``python -m explorer serve`` runs it, with the same template, kernel culling and upload room.
"""

from explorer.serving.voila import CULL_INTERVAL, DENIED_EXTENSIONS, TORNADO_SETTINGS

c = get_config()  # noqa: F821 (the server's config loader defines it)

#: Seconds before the kernel of a closed or abandoned page is shut down (the dashboard pauses
#: itself 30 s after no page draws it, and counts as idle from then on).
KERNEL_IDLE = 600

# As a server extension Voila builds every page from this template's files, whatever the
# notebook's metadata selects: without it the page is Voila's `lab`, with CDN links.
c.VoilaConfiguration.template = "explorer"
c.VoilaConfiguration.extension_denylist = DENIED_EXTENSIONS  # as serve's pages: 4.8 MB less
c.MappingKernelManager.cull_idle_timeout = KERNEL_IDLE
c.MappingKernelManager.cull_interval = CULL_INTERVAL
# Room for the upload panel's photos, and no MathJax: as standalone Voila has it, both unset,
# so the page leaves MathJax out. Were either set (the server extension's defaults), the page
# would fetch MathJax from cdnjs at its first Markdown cell.
NO_MATHJAX = {"mathjax_url": None, "mathjax_config": None}
c.ServerApp.tornado_settings = TORNADO_SETTINGS | NO_MATHJAX
