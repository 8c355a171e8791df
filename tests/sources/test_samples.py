"""Built-in samples: every name opens and has real content."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_sample_image

from convlab.sources.samples import DEFAULT_SAMPLE, SAMPLE_NAMES, open_sample


def test_sample_names_order_and_default():
    assert SAMPLE_NAMES == ("china", "flower", "edges", "checkerboard", "text", "moving shapes")
    assert DEFAULT_SAMPLE == "china"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_opens_with_real_content(name):
    source = open_sample(name)
    frame = source.read()
    assert source.name == name
    assert frame.image.ndim == 3 and frame.image.shape[2] == 3 and frame.image.dtype == np.uint8
    assert frame.image.std() > 10
    assert source.live is (name == "moving shapes")
    source.close()


def test_photos_are_scikit_learns_bundled_images():
    np.testing.assert_array_equal(open_sample("china").read().image, load_sample_image("china.jpg"))
    assert open_sample("flower").read().image.shape == (427, 640, 3)


def test_unknown_name_lists_the_names():
    with pytest.raises(ValueError, match="'china', 'flower', 'edges'.*'moving shapes'"):
        open_sample("lena")
