"""The endorsement card form: nothing is made before the usage statement is confirmed; text is
bounded and hostile text is drawn safely or refused with a message; photos are bounded,
re-encoded and stripped of metadata; the form is protected by its signed token; nothing is
stored."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.test import EnvironBuilder

from search_service.cards import csrf
from search_service.cards.endorsement import DEFAULT_USAGE, read_endorsement
from tests.search_service.cards.tools import png_chunks

URL = "/endorsement-card"
VALID = {"quote": "Our library's evidence service is part of every big decision we make.",
         "name": "Professor Dame Alison Marsh", "job_title": "Chief Executive",
         "organisation": "Quillon Valley NHS Trust", "usage": DEFAULT_USAGE,
         "format": "landscape", "confirm": "yes"}


def _token(client: FlaskClient) -> str:
    page = client.get(URL).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _post(client: FlaskClient, changes: dict[str, Any] | None = None,
          drop: tuple[str, ...] = (), photo: bytes | None = None) -> Any:
    data: dict[str, Any] = {**VALID, **(changes or {}), "csrf_token": _token(client)}
    for key in drop:
        data.pop(key, None)
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "photo.jpg")
    # The builder spools a large body to a temporary file: close it even when the app
    # refuses the body without reading it (413).
    environ = EnvironBuilder(path=URL, method="POST", data=data,
                             content_type="multipart/form-data").get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def _jpeg_with_exif(size: tuple[int, int] = (640, 480), orientation: int = 1) -> bytes:
    image = Image.new("RGB", size, (200, 120, 80))
    exif = Image.Exif()
    exif[0x013B] = "Secret Photographer"  # Artist
    exif[0x010F] = "SpyCam Maker"  # Make
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"hidden comment")
    return out.getvalue()


def test_the_form_page_explains_the_photo_and_sets_a_strict_cookie(cards_app: Flask) -> None:
    response = cards_app.test_client().get(URL)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{csrf.COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie and f"Path={URL}" in cookie
    assert "Nothing you enter here is saved" in response.text
    assert "without its metadata" in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_a_confirmed_valid_form_makes_a_png_download_and_stores_nothing(
        cards_app: Flask) -> None:
    instance = Path(cards_app.instance_path)
    before = sorted(os.listdir(instance)) if instance.exists() else []
    response = _post(cards_app.test_client())
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="endorsement-card-landscape.png"'
    assert response.headers["Cache-Control"] == "no-store"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 675)
    after = sorted(os.listdir(instance)) if instance.exists() else []
    assert after == before


@pytest.mark.parametrize(("kind", "media_type", "size"), [
    ("square", "image/png", (1080, 1080)), ("a4", "application/pdf", None)])
def test_the_other_kinds_of_card(cards_app: Flask, kind: str, media_type: str,
                                 size: Any) -> None:
    response = _post(cards_app.test_client(), {"format": kind}, photo=_jpeg_with_exif())
    assert response.status_code == 200 and response.mimetype == media_type
    if size:
        assert Image.open(io.BytesIO(response.data)).size == size
    else:
        assert response.data.startswith(b"%PDF-") and b"Secret Photographer" not in response.data


def test_nothing_is_made_until_the_statement_is_confirmed(
        cards_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from search_service.cards import views

    monkeypatch.setattr(views, "render", lambda layout: pytest.fail("made a card"))
    response = _post(cards_app.test_client(), drop=("confirm",))
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Confirm that Professor Dame Alison Marsh has agreed" in response.text
    assert 'href="#confirm"' in response.text  # the error summary links to the box
    assert VALID["quote"].replace("'", "&#39;") in response.text  # what they typed is kept


@pytest.mark.parametrize(("field", "value", "message"), [
    ("quote", "x" * 401, "Shorten the quotation: it can be at most 400 characters (this has 401)"),
    ("quote", "word " * 2000, "it can be at most 400 characters (this has 10,000)"),
    ("quote", "   ", "Enter the quotation."),
    ("name", "", "Enter the name."),
    ("job_title", "j" * 121, "at most 120 characters"),
    ("organisation", "o" * 151, "at most 150 characters"),
    ("usage", "", "Enter the statement of how the card will be used."),
    ("format", "poster", "Choose the kind of card to make."),
])
def test_each_bound_gets_a_400_that_says_what_to_do(cards_app: Flask, field: str, value: str,
                                                    message: str) -> None:
    response = _post(cards_app.test_client(), {field: value})
    assert response.status_code == 400 and message in response.text


def test_ten_thousand_characters_in_every_field_are_refused_with_every_problem(
        cards_app: Flask) -> None:
    long = "a" * 10_000
    response = _post(cards_app.test_client(), {f: long for f in
                                               ("quote", "name", "job_title", "organisation")})
    assert response.status_code == 400
    assert response.text.count("(this has 10,000)") >= 4 * 2  # summary and field
    assert long not in response.text  # the form is not echoed back enormous


def test_markup_is_escaped_in_the_form_and_drawn_as_text_on_the_card(cards_app: Flask) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client = cards_app.test_client()
    refused = _post(client, {"name": hostile}, drop=("confirm",))
    assert refused.status_code == 400
    assert "<script>alert" not in refused.text and "&lt;script&gt;" in refused.text
    made = _post(client, {"name": hostile, "quote": hostile})
    assert made.status_code == 200 and made.mimetype == "image/png"


def test_direction_overrides_and_invisible_characters_are_removed() -> None:
    endorsement = read_endorsement({**VALID, "name": "Dr \u202eEvil\u202c Name\u200b\u2066"},
                                   True, None)
    assert endorsement.name == "Dr Evil Name"


HEBREW_NAME = "Dr \u05e9\u05dc\u05d5\u05dd \u05db\u05d4\u05df"  # Dr Shalom Cohen


def test_a_hebrew_name_reads_right_to_left_in_the_pdf() -> None:
    """Drawn backwards, a PDF reader gives the letters in reverse (it reads visual order)."""
    from search_service.cards.design import CardFormat
    from search_service.cards.endorsement import endorsement_layout
    from search_service.cards.render import render
    from tests.search_service.cards.tools import pdf_text

    endorsement = read_endorsement({**VALID, "name": HEBREW_NAME}, True, None)
    text = re.sub("[\u202a-\u202e]", "", pdf_text(render(endorsement_layout(
        endorsement, CardFormat.A4))))
    assert HEBREW_NAME in text
    assert HEBREW_NAME[3:][::-1] not in text


def test_the_png_draws_a_hebrew_name_in_the_order_it_is_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The PNG painter draws the name as the PDF does: the same as drawing the visual-order
    string with no reordering at all."""
    from bidi import get_display

    from search_service.cards import raster
    from search_service.cards.design import CardFormat
    from search_service.cards.endorsement import endorsement_layout
    from search_service.cards.render import render

    def card(name: str) -> bytes:
        return render(endorsement_layout(read_endorsement({**VALID, "name": name}, True, None),
                                         CardFormat.LANDSCAPE))

    drawn = card(HEBREW_NAME)
    monkeypatch.setattr(raster, "visual", lambda line: line)
    assert card(get_display(HEBREW_NAME)) == drawn
    assert card(HEBREW_NAME) != drawn


def test_emoji_get_a_400_naming_them(cards_app: Flask) -> None:
    response = _post(cards_app.test_client(), {"quote": "Brilliant service 😀🎉 ✓"})
    assert response.status_code == 400
    assert "Remove the characters the card cannot show from the quotation: 😀 🎉 ✓" \
        in response.text


def test_the_photo_is_re_encoded_upright_without_its_metadata(cards_app: Flask) -> None:
    photo = _jpeg_with_exif((640, 480), orientation=6)  # "rotate 90": stored sideways
    made = read_endorsement(VALID, True, photo).photo
    assert made is not None and made.size == (480, 640)
    assert made.info == {} and len(made.getexif()) == 0
    card = _post(cards_app.test_client(), photo=photo)
    assert card.status_code == 200
    assert b"Secret Photographer" not in card.data and b"SpyCam" not in card.data
    assert b"hidden comment" not in card.data
    assert not {"eXIf", "tEXt", "iTXt", "zTXt", "tIME"} & set(png_chunks(card.data))


@pytest.mark.parametrize(("size", "orientation", "kept"), [
    ((4000, 3000), 1, (640, 480)),  # a camera photo: decoded small, shorter side 480
    ((4000, 3000), 6, (480, 640)),  # stored sideways: upright, still 480 across
    ((1600, 900), 1, (853, 480)),  # wide: the shorter side decides
    ((300, 400), 1, (300, 400)),  # small: never enlarged
])
def test_a_photo_is_kept_small_but_never_enlarged(
        size: tuple[int, int], orientation: int, kept: tuple[int, int]) -> None:
    made = read_endorsement(VALID, True, _jpeg_with_exif(size, orientation)).photo
    assert made is not None and made.size == kept


def test_what_is_kept_is_enough_for_the_largest_photo_a_card_prints() -> None:
    """A4 prints the photo at about 216 dots per inch: it must not be enlarged to get there."""
    from search_service.cards.design import CardFormat
    from search_service.cards.endorsement import endorsement_layout

    camera = read_endorsement(VALID, True, _jpeg_with_exif((4000, 3000)))
    assert camera.photo is not None
    printed = [layout.picture.image.size for card in CardFormat
               if (layout := endorsement_layout(camera, card)).picture is not None]
    assert len(printed) == len(CardFormat)
    assert max(side for size in printed for side in size) <= min(camera.photo.size)


def test_a_png_photo_with_text_chunks_loses_them() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Secret Photographer")
    out = io.BytesIO()
    Image.new("RGBA", (200, 200), (10, 20, 30, 128)).save(out, "PNG", pnginfo=info)
    made = read_endorsement(VALID, True, out.getvalue()).photo
    assert made is not None and made.mode == "RGB" and made.info == {}


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG file that claims to be width x height (a decompression bomb's header)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("photo", "message"), [
    (_png_header_only(100_000, 100_000), "the limit is 25 megapixels"),
    (_png_header_only(6_000, 6_000), "6,000 x 6,000 pixels"),
    (_png_header_only(11_000, 100), "10,000 pixels a side"),
    (_png_header_only(2_000, 2_000), "could not be read"),  # claims pixels it does not have
    (b"GIF89a" + b"\0" * 100, "must be a JPEG or PNG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "must be a JPEG or PNG"),
    (_jpeg_with_exif()[:600], "could not be read"),
], ids=["bomb", "36-megapixels", "too-wide", "missing-pixels", "gif", "svg", "truncated"])
def test_bad_photos_get_a_400_without_being_decoded(cards_app: Flask, photo: bytes,
                                                    message: str) -> None:
    started = time.perf_counter()
    response = _post(cards_app.test_client(), photo=photo)
    assert response.status_code == 400 and message in response.text
    assert time.perf_counter() - started < 10  # nothing was expanded


def test_a_photo_over_the_byte_bound(cards_app: Flask) -> None:
    client = cards_app.test_client()
    just_over = _post(client, photo=b"\xff\xd8" + b"\0" * (5 * 1024 * 1024))
    assert just_over.status_code == 400 and "the limit is 5 MB" in just_over.text
    far_over = _post(client, photo=b"\0" * (6 * 1024 * 1024))
    assert far_over.status_code == 413
    assert "the limit is 5,308,416 bytes" in far_over.text


def test_a_post_without_a_valid_token_is_refused(cards_app: Flask) -> None:
    client = cards_app.test_client()
    no_token = client.post(URL, data=VALID)
    assert no_token.status_code == 400 and "security token is missing" in no_token.text
    forged = client.post(URL, data={**VALID, "csrf_token": "forged.value.here"})
    assert forged.status_code == 400
    # A token taken from another browser's page does not match this browser's cookie.
    token = _token(cards_app.test_client())
    _token(client)
    other = client.post(URL, data={**VALID, "csrf_token": token})
    assert other.status_code == 400 and "for another browser" in other.text
    # And JSON clients get the one error shape.
    as_json = client.post(URL, data=VALID, headers={"Accept": "application/json"})
    assert as_json.get_json()["ok"] is False and as_json.get_json()["status"] == 400


def test_an_old_token_has_expired(cards_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = cards_app.test_client()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 3 * 60 * 60)
    token = _token(client)
    monkeypatch.setattr(time, "time", real)
    response = client.post(URL, data={**VALID, "csrf_token": token})
    assert response.status_code == 400 and "more than two hours" in response.text


def test_without_a_secret_key_workers_share_one_key_file(tmp_path: Path,
                                                         cards_index: Any) -> None:
    from search_service import create_app

    apps = [create_app({"TESTING": True, "INDEX_DIR": str(cards_index)}) for _ in range(2)]
    for app in apps:
        app.instance_path = str(tmp_path)
    keys = {csrf.signing_key(app) for app in apps}
    assert len(keys) == 1 and len(keys.pop()) == 64
    key_file = tmp_path / csrf.KEY_FILE
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
