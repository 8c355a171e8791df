"""File input/output: image reading with validation and atomic PNG export."""
from convlab.io.images import (
    SUPPORTED_EXTENSIONS,
    ImageReadError,
    LoadedImage,
    image_file_filter,
    read_image,
    write_png,
)

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "ImageReadError",
    "LoadedImage",
    "image_file_filter",
    "read_image",
    "write_png",
]
