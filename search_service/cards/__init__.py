"""Cards: impact vignettes for every published case study, and endorsement cards.

Read this first. A card goes through three steps, each in its own module:

1. **Content**: :class:`~search_service.cards.vignette.Vignette` (from a case study's public
   record) or :class:`~search_service.cards.endorsement.Endorsement` (from the endorsement
   form, checked and bounded; a photo through :mod:`~search_service.cards.photo`).
2. **Layout**: a design turns content into a :class:`~search_service.cards.design.CardLayout`
   for one :class:`~search_service.cards.design.CardFormat` (1200 x 675 PNG, 1080 x 1080 PNG,
   A4 PDF). Text is fitted by :mod:`~search_service.cards.layout` (shrink, wrap, then cut
   with an ellipsis) and measured in the bundled typeface (:mod:`~search_service.cards.typeface`),
   so every line's box is known before anything is drawn.
3. **Painting**: :func:`~search_service.cards.render.render` draws the layout with Pillow
   (:mod:`~search_service.cards.raster`) or fpdf2 (:mod:`~search_service.cards.pdf`). Same
   layout, same bytes: no timestamps, no metadata.

The rule of this package: everything except :mod:`~search_service.cards.views` (the
blueprint) and :mod:`~search_service.cards.csrf` is Flask-free (no flask or werkzeug imports;
a test keeps it so), does no I/O beyond reading the bundled fonts, and stores nothing.
"""

from __future__ import annotations
