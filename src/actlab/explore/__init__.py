"""``actlab explore``: a static, offline site of the whole catalog (gallery, a page per function,
compare mode, the guides' advice with the lab's verdicts). ``build_site(out)`` writes it."""

from .site import MARKER, build_site, serve

__all__ = ["MARKER", "build_site", "serve"]
