"""Internals of `network`: max and average pooling over a whole batch, forward and backward.

Windows that tile the maps (size == stride) read the convolution's position-major maps
(ph, pw, N, H'', W'', K) (see `_network_layers`): each window position is one contiguous block,
so pooling is the max (or sum) of ph*pw contiguous arrays. The backward pass of max pooling sends
each window's gradient to the FIRST maximum of the window in row-major order, as torch does: for
each position in turn, the gradient not yet given away times the mask ``x == max``. Other
windows (overlapping, or with gaps) work on strided views of plain maps (N, H, W, K).
"""
from __future__ import annotations

import numpy as np

from ._network_layers import BatchSpaces

__all__ = ["PoolLayer"]


class PoolLayer:
    """Max or average pooling over windows (size_h, size_w) every (stride_h, stride_w), dropping
    windows that do not fit, as `pool2d` does for each map.

    With `tiled` (only for size == stride) it takes the convolution's position-major maps
    (ph, pw, N, H'', W'', K), else plain maps (N, H, W, K). Output: (N, H'', W'', K).
    """

    def __init__(self, in_shape, kind, size, stride, dtype, tiled=True):
        h, w, k = in_shape
        self.kind, self.size, self.stride, self.dtype = kind, tuple(size), tuple(stride), np.dtype(dtype)
        self.tiled = tiled and self.size == self.stride
        out_h, out_w = ((n - z) // t + 1 if n >= z else 0 for n, z, t in zip((h, w), size, stride))
        self.in_shape, self.out_shape = tuple(in_shape), (out_h, out_w, k)
        self._space, self._last = BatchSpaces(dtype), None

    @property
    def last_output(self):
        """The pooled maps of the last forward (its buffer: an in-place activation changes it)."""
        return self._last[1]

    def _views(self, array):
        """One view (N, H'', W'', K) of `array` per window position, in row-major order."""
        (sh, sw), (th, tw), (out_h, out_w, _) = self.size, self.stride, self.out_shape
        if self.tiled:
            return [array[a, b] for a in range(sh) for b in range(sw)]
        return [array[:, a:a + th * (out_h - 1) + 1:th, b:b + tw * (out_w - 1) + 1:tw]
                for a in range(sh) for b in range(sw)]

    def forward(self, x):
        """Pooled maps (N, H'', W'', K) of `x` (see the class docstring for its layout)."""
        n = x.shape[2] if self.tiled else x.shape[0]
        space = self._space(n)
        y = space.get("y", (n, *self.out_shape))
        views = self._views(x)
        reduce = np.maximum if self.kind == "max" else np.add
        if len(views) == 1:
            np.copyto(y, views[0])
        else:
            reduce(views[0], views[1], out=y)
        for view in views[2:]:
            reduce(y, view, out=y)
        if self.kind == "avg":
            y *= self.dtype.type(1.0 / len(views))
        self._last = (x, y, space)
        return y

    def backward(self, grad_y):
        """Gradient with respect to the last forward's `x` (its layout), from `grad_y` (N, H'', W'', K)."""
        x, y, space = self._last
        grad_x = space.get("grad_x", x.shape)
        if not self.tiled:
            grad_x.fill(0)  # overlapping windows add up; values no window covers get nothing
        targets = self._views(grad_x)
        if self.kind == "avg":
            share = np.multiply(grad_y, self.dtype.type(1.0 / len(targets)), out=space.get("share", grad_y.shape))
            for target in targets:
                self._put(target, share)
            return grad_x
        # the window's gradient goes to the first position (row-major) that holds the maximum
        remaining = space.get("remaining", grad_y.shape)
        winner = space.get("winner", grad_y.shape)
        hit = space.get("hit", grad_y.shape, dtype=bool)
        left = grad_y
        for target, values in zip(targets[:-1], self._views(x)[:-1]):
            np.equal(values, y, out=hit)
            share = np.multiply(left, hit, out=target if self.tiled else winner)
            if not self.tiled:
                target += share
            left = np.subtract(left, share, out=remaining)
        self._put(targets[-1], left)  # what is left: the last position holds the maximum
        return grad_x

    def _put(self, target, values):
        if self.tiled:
            np.copyto(target, values)
        else:
            target += values
