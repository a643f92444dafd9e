"""An uploaded photo, made safe to put on a card: checked, decoded within bounds, re-encoded.

Only JPEG and PNG are opened (Pillow's other decoders are never tried). The size in bytes and
the pixel count from the file's header are checked *before* anything is decoded, so a small file
that claims a huge image (a decompression bomb) is refused without being expanded. A decoded
photo is turned upright by its EXIF orientation, flattened onto white, shrunk, and copied into a
new image: what comes out has pixels only, with no EXIF (camera, location, time), ICC or text
metadata. Nothing is written anywhere.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["PhotoError", "read_photo", "fit_photo", "PHOTO_MAX_BYTES", "PHOTO_MAX_PIXELS",
           "PHOTO_MAX_SIDE", "KEPT_SIDE"]

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 25_000_000  # a 6,000 x 4,000 camera photo; decoded that is 75 MB of RGB
PHOTO_MAX_SIDE = 10_000
# The shorter side kept after decoding: the largest photo a card prints is 450 px square (A4,
# about 216 dots per inch). Decoding a camera JPEG at a reduced scale and keeping no more than
# this is most of an endorsement card's time (a 12-megapixel photo: 60 ms -> 15 ms).
KEPT_SIDE = 480
_LIMITS = (f"the limit is {PHOTO_MAX_PIXELS // 1_000_000} megapixels and {PHOTO_MAX_SIDE:,} "
           "pixels a side. Choose a smaller photo.")


class PhotoError(ValueError):
    """A photo that cannot be used; the message says what to do."""


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow warns (and, past twice its limit, refuses) on huge headers; the bounds below
        # are far tighter and say so in words.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            return Image.open(io.BytesIO(data), formats=["JPEG", "PNG"])
        except Image.DecompressionBombError:
            raise PhotoError(f"The photo has too many pixels: {_LIMITS}") from None
        except UnidentifiedImageError:
            raise PhotoError("The photo must be a JPEG or PNG file.") from None
        except (OSError, SyntaxError, ValueError):
            raise PhotoError("The photo could not be read: it may be damaged. Try another "
                             "JPEG or PNG file.") from None


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit greyscale PNG
        return image.point(lambda v: v / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def _kept_size(width: int, height: int) -> tuple[int, int]:
    """``width`` x ``height`` scaled (never up) so that the shorter side is KEPT_SIDE."""
    scale = min(1.0, KEPT_SIDE / max(1, min(width, height)))
    return max(1, round(width * scale)), max(1, round(height * scale))


def read_photo(data: bytes) -> Image.Image:
    """The photo in ``data`` as a new RGB image with no metadata, its shorter side at most
    KEPT_SIDE."""
    if len(data) > PHOTO_MAX_BYTES:
        raise PhotoError(f"The photo is {len(data) / 1024 / 1024:.1f} MB: the limit is "
                         f"{PHOTO_MAX_BYTES // 1024 // 1024} MB. Choose a smaller file.")
    image = _open(data)
    width, height = image.size
    if width * height > PHOTO_MAX_PIXELS or max(width, height) > PHOTO_MAX_SIDE:
        raise PhotoError(f"The photo is {width:,} x {height:,} pixels: {_LIMITS}")
    kept = _kept_size(width, height)
    if image.format == "JPEG":
        image.draft("RGB", kept)  # decode at a reduced scale, no smaller than kept: faster
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
        flat = _flatten(upright)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoError("The photo could not be read: it may be damaged or cut short. Try "
                         "another JPEG or PNG file.") from None
    if min(flat.size) > KEPT_SIDE:
        flat = flat.resize(_kept_size(*flat.size), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", flat.size)
    clean.paste(flat)  # pixels only: info, EXIF and ICC profile stay behind
    return clean


def fit_photo(photo: Image.Image, width: int, height: int) -> Image.Image:
    """``photo`` cropped about its centre (a little above, where faces are) to the shape."""
    fitted = ImageOps.fit(photo, (width, height), Image.Resampling.LANCZOS,
                          centering=(0.5, 0.4))
    clean = Image.new("RGB", fitted.size)
    clean.paste(fitted)
    return clean
