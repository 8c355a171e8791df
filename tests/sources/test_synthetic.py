"""Synthetic scenes: deterministic content with the structure each scene promises."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from convlab.sources.synthetic import MovingShapesSource, checkerboard_scene, edges_scene, text_scene


def test_checkerboard_matches_its_definition():
    board = checkerboard_scene((50, 70), square=10)
    rows, cols = np.indices((50, 70))
    expected = np.where((rows // 10 + cols // 10) % 2 == 0, 255, 0)
    assert board.shape == (50, 70, 3) and board.dtype == np.uint8
    for channel in range(3):
        np.testing.assert_array_equal(board[:, :, channel], expected)


def test_edges_scene_has_sharp_edges_in_several_orientations():
    gray = edges_scene().astype(np.float64).mean(axis=2)
    steps = np.maximum(np.abs(np.diff(gray, axis=0)).max(), np.abs(np.diff(gray, axis=1)).max())
    assert steps > 60  # a one-pixel step, not a blur
    smooth = ndimage.gaussian_filter(gray, 2.0)
    dy, dx = ndimage.sobel(smooth, axis=0), ndimage.sobel(smooth, axis=1)
    strong = np.hypot(dx, dy) > 0.3 * np.hypot(dx, dy).max()
    angles = np.degrees(np.arctan2(dy[strong], dx[strong])) % 180
    histogram, _ = np.histogram(angles, bins=6, range=(0, 180))
    assert (histogram > 50).sum() >= 5, histogram  # edges in at least five of six 30-degree bins
    assert len(np.unique(gray)) >= 5  # background plus four shapes of different levels


def test_text_scene_has_two_lines_of_glyphs_not_boxes():
    image = text_scene()
    assert image.shape == (480, 640, 3)
    ink = image[:, :, 0] < 128
    inked_rows = ink.any(axis=1)
    # Runs of inked rows: one per text line, separated by blank rows.
    edges = np.flatnonzero(np.diff(inked_rows.astype(int)))
    runs = len(edges) // 2 + (1 if inked_rows[0] or inked_rows[-1] else 0)
    assert runs == 2
    first_line = ink[: edges[1] + 1]
    # Glyphs, not filled boxes: ink covers a minority of the line's box and the line breaks into
    # several letters (runs of inked columns separated by gaps).
    columns = first_line.any(axis=0)
    letters = np.count_nonzero(np.diff(columns.astype(int)) == 1)
    assert letters >= 6  # "convlab" has 7 letters; "l" and "a" may touch
    assert 0.1 < first_line[:, columns].mean() < 0.6
    # Ascenders ("l", "b") reach higher than x-height letters ("c", "o"): missing-glyph boxes would not.
    line_rows = np.flatnonzero(first_line.any(axis=1))
    tops = np.argmax(first_line[:, columns], axis=0)
    assert np.ptp(tops) > 0.25 * (line_rows[-1] - line_rows[0])
    assert (image[~ink] > 200).mean() > 0.95  # white paper


def test_text_scene_rejects_bad_lines():
    with pytest.raises(ValueError, match="lines"):
        text_scene(lines="convlab")


@pytest.mark.parametrize("scene", [edges_scene, checkerboard_scene, text_scene])
def test_scenes_are_deterministic_and_validate_size(scene):
    np.testing.assert_array_equal(scene((40, 60)), scene((40, 60)))
    with pytest.raises(ValueError, match="size"):
        scene((4, 60))


def test_moving_shapes_same_time_same_frame_other_time_other_frame():
    source = MovingShapesSource((120, 160))
    at_one = source.frame_at(1.0)
    np.testing.assert_array_equal(at_one, MovingShapesSource((120, 160)).frame_at(1.0))
    moved = np.abs(at_one.astype(int) - source.frame_at(1.5).astype(int)).max(axis=2) > 30
    assert 0.01 < moved.mean() < 0.5  # the shapes moved; the background did not
    assert at_one.std() > 10


def test_moving_shapes_move_smoothly():
    source = MovingShapesSource((120, 160), fps=30)
    frames = [source.frame_at(k / 30).astype(int) for k in range(4)]
    step = [np.abs(b - a).max(axis=2) > 30 for a, b in zip(frames, frames[1:])]
    far = np.abs(source.frame_at(2.0).astype(int) - frames[0]).max(axis=2) > 30
    assert all(0 < s.mean() < far.mean() for s in step)


def test_moving_shapes_read_counts_frames_and_is_live():
    source = MovingShapesSource((48, 64), fps=25)
    assert source.live is True and source.interval_ms == 40 and source.name == "moving shapes"
    first, second = source.read(), source.read()
    assert (first.index, second.index) == (0, 1)
    assert second.timestamp >= first.timestamp
    assert first.image.shape == (48, 64, 3) and not first.image.flags.writeable


@pytest.mark.parametrize("fps", [0, -5, "fast"])
def test_moving_shapes_validates_fps(fps):
    with pytest.raises(ValueError, match="fps"):
        MovingShapesSource(fps=fps)
