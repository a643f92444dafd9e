"""The cards blueprint: vignette card files for every published case study, and the
endorsement card form.

- ``GET /cases/<id>/card.png`` (1200 x 675), ``/card-square.png`` (1080 x 1080) and
  ``/card.pdf`` (A4): the card of the case's public record. The ETag is the fingerprint of the
  card's content, format and design (:meth:`Vignette.fingerprint`), so a matching
  ``If-None-Match`` gets a 304 before anything is drawn; files are kept per index generation
  (:class:`~search_service.cards.cache.CardCache`). An unknown id is the engine's ``NotFound``,
  answered by the one error handler.
- ``GET /endorsement-card`` shows the form; ``POST`` checks the CSRF token
  (:mod:`~search_service.cards.csrf`), the fields and the photo, and answers the card as a
  download, or the form again with every problem (400). Nothing is stored or logged.
- :func:`share` gives the case page and its JSON twin the same downloads and alt text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, make_response, render_template, request

from search_service.addresses import public_url
from search_service.cards import csrf
from search_service.cards.cache import CardCache
from search_service.cards.design import HASHTAG, CardFormat
from search_service.cards.endorsement import (
    DEFAULT_USAGE,
    FIELDS,
    InvalidEndorsement,
    endorsement_layout,
    read_endorsement,
)
from search_service.cards.photo import PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS
from search_service.cards.render import render
from search_service.cards.vignette import Vignette, vignette_layout
from search_service.current import get_generation
from search_service.engine import browse

__all__ = ["bp", "init_app", "share", "public_address", "FORM_PATH", "CARD_FILES"]

bp = Blueprint("cards", __name__, template_folder="templates")

FORM_PATH = "/endorsement-card"
FORM_OVERHEAD = 64 * 1024  # the text fields and multipart framing around the photo
# URL file name -> format (the routes below and the download links).
CARD_FILES: dict[str, CardFormat] = {
    "card.png": CardFormat.LANDSCAPE,
    "card-square.png": CardFormat.SQUARE,
    "card.pdf": CardFormat.A4,
}
_DOWNLOAD_NAMES = {CardFormat.LANDSCAPE: "Social media card",
                   CardFormat.SQUARE: "Square social media card",
                   CardFormat.A4: "Printable vignette"}


def public_address(case_id: str) -> str:
    """The case study's absolute address, as printed and encoded on its card."""
    return f"{public_url()}/cases/{quote(case_id)}"


def share(case: dict[str, Any]) -> dict[str, Any]:
    """The card downloads and ready-made alt text for a case (its public record as JSON)."""
    vignette = Vignette.from_case(case, public_address(str(case["id"])))
    downloads = [{"format": card.name.lower(), "name": _DOWNLOAD_NAMES[card],
                  "url": f"/cases/{quote(str(case['id']))}/{file}",
                  "media_type": card.media_type, "description": card.description}
                 for file, card in CARD_FILES.items()]
    return {"alt_text": vignette.alt_text(), "hashtag": HASHTAG, "downloads": downloads}


def _cache() -> CardCache:
    cache: CardCache = current_app.extensions["card_cache"]
    return cache


def _card_response(data: bytes, card: CardFormat, etag: str, filename: str) -> Response:
    response = Response(data, mimetype=card.media_type)
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['CACHE_MAX_AGE']}"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/cases/<case_id>/card.png", defaults={"file": "card.png"})
@bp.get("/cases/<case_id>/card-square.png", defaults={"file": "card-square.png"})
@bp.get("/cases/<case_id>/card.pdf", defaults={"file": "card.pdf"})
def vignette_card(case_id: str, file: str) -> Response:
    generation = get_generation()
    card = CARD_FILES[file]
    case = browse.lookup(generation, case_id).to_json()
    vignette = Vignette.from_case(case, public_address(case_id))
    etag = vignette.fingerprint(card)
    filename = f"{case['id']}-{file}"
    if request.if_none_match.contains_weak(etag):
        response = _card_response(b"", card, etag, filename)
        response.status_code = 304
        return response
    data = _cache().get(generation.name, etag)
    if data is None:
        data = render(vignette_layout(vignette, card))
        _cache().put(generation.name, etag, data)
    return _card_response(data, card, etag, filename)


def _form_page(values: dict[str, str] | None = None,
               problems: list[tuple[str, str]] | None = None, status: int = 200) -> Response:
    value, token = csrf.issue()
    limits = {f.name: f.limit * 4 for f in FIELDS}  # as the inputs' maxlength: echo no more
    chosen = {k: v[: limits.get(k, 20)] for k, v in (values or {}).items()}
    chosen.setdefault("usage", DEFAULT_USAGE)
    chosen.setdefault("format", CardFormat.LANDSCAPE.name.lower())
    html = render_template(
        "cards/endorsement.html", values=chosen, problems=problems or [],
        errors=dict(problems or []), fields={f.name: f for f in FIELDS}, csrf_field=csrf.FIELD,
        csrf_token=token, formats=list(CardFormat), photo_mb=PHOTO_MAX_BYTES // 1024 // 1024,
        photo_megapixels=PHOTO_MAX_PIXELS // 1_000_000, hashtag=HASHTAG)
    response = make_response(html, status)
    csrf.remember(response, value, FORM_PATH)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(FORM_PATH)
def endorsement_form() -> Response:
    return _form_page()


@bp.post(FORM_PATH)
def endorsement_make() -> Response:
    csrf.verify()
    values = {key: request.form.get(key, "") for key in (*[f.name for f in FIELDS], "format")}
    card = CardFormat.__members__.get(values["format"].upper())
    upload = request.files.get("photo")
    photo = upload.read(PHOTO_MAX_BYTES + 1) if upload is not None and upload.filename else None
    try:
        if card is None:
            raise InvalidEndorsement([("format", "Choose the kind of card to make.")])
        endorsement = read_endorsement(request.form, request.form.get("confirm") == "yes", photo)
    except InvalidEndorsement as invalid:
        return _form_page(values, invalid.problems, 400)
    response = Response(render(endorsement_layout(endorsement, card)), mimetype=card.media_type)
    response.headers["Content-Disposition"] = \
        f'attachment; filename="endorsement-card-{card.name.lower()}.{card.suffix}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.before_request
def _photo_allowance() -> None:
    # The endorsement form may carry a photo: its own body limit, above the app-wide one.
    if request.endpoint == "cards.endorsement_make":
        request.max_content_length = PHOTO_MAX_BYTES + FORM_OVERHEAD


def init_app(app: Flask) -> None:
    app.extensions["card_cache"] = CardCache()
    # Drawing a card costs what a search does; making an endorsement card costs more.
    app.extensions.setdefault("rate_budgets", {}).update({
        "cards.vignette_card": "search", "cards.endorsement_make": "similar"})
    app.register_blueprint(bp)
