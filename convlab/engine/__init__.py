"""convlab.engine: the NumPy engine behind every panel (no Qt, no files).

Convolution follows scipy.signal's conventions (``correlate2d`` is what CNN libraries compute);
``conv_bank`` is the fast multi-kernel path used live; pooling, activations, translation and the
kernel library complete the CNN block of the lecture.

>>> import numpy as np
>>> from convlab.engine import conv_bank, activate, pool2d, preset_kernel
>>> image = np.random.default_rng(0).random((48, 64), dtype=np.float32)
>>> maps = conv_bank(image, np.stack([preset_kernel("sobel_x"), preset_kernel("sobel_y")]))
>>> pool2d(activate(maps, "relu"), 2).shape
(2, 24, 32)
"""
from .activation import ACTIVATIONS, activate, is_signed_activation
from .bank import conv_bank, conv_block
from .block import BlockStages, cnn_block_stages, match_kernels_to_input, prepare_input, shrink_to
from .blurpool import BLUR_FILTERS, blur_downsample, blur_pool, blur_pool1d, pool_windows
from .centroids import SORT_KEYS, centroid_orientations, centroids_to_kernels, sort_centroids
from .compare import (
    FEATURE_SET_LABELS,
    FEATURE_SETS,
    ComparisonRow,
    ComparisonSettings,
    hand_designed_bank,
    run_comparison,
    scale_to_pixels,
    split_indices,
)
from .connectivity import (
    MATRIX_KINDS,
    ImageCost,
    LayerCost,
    connection_ids,
    distinct_parameters,
    image_conv_cost,
    layer_costs,
    layer_taps,
    uncovered_tail,
    weight_matrix,
)
from .conv import BOUNDARIES, MODES, convolve1d, convolve2d, correlate2d, output_size, pad_image, padding_for
from .correlation_switch import OPERATIONS, apply_operation, operation_products
from .encode import ENCODINGS, encode_images, feature_maps, region_pool, triangle_encoding
from .explain import Explanation, explain_value
from .gradients import activate_grad, conv_bank_grad, pool2d_grad
from .invariance import (
    EquivarianceCheck,
    PooledChange,
    ShiftCurve,
    band_outline,
    border_band,
    cosine_similarity,
    equivariance_check,
    equivariance_error,
    pooled_change,
    pooled_offset,
    shift_curves,
)
from .kernel_banks import BANK_CHOICES, BANK_LABELS, make_bank
from .kernel_ops import (
    MAX_KERNEL_SIDE,
    Normalised,
    apply_divisor_offset,
    flip_horizontal,
    flip_vertical,
    is_rotation_symmetric,
    normalise,
    parse_cell,
    parse_grid_text,
    random_kernel,
    resize_kernel,
    rotate90,
    to_convolution,
    transpose,
)
from .kernels import (
    DEFAULT_BANK_NAMES,
    EDGE_PRESET_NAMES,
    GABOR_PRESET_DEGREES,
    PRESET_NAMES,
    default_bank,
    gabor_kernel,
    kernel_to_rgb,
    preset_kernel,
    random_bank,
)
from .kmeans import METHODS as KMEANS_METHODS
from .kmeans import Clustering, OnlineKMeans, assign_patches, initial_centres, learn_centroids
from .network import Network, NetworkWeights, init_network
from .network_spec import CONV_MODES, MAX_BLOCKS, NETWORK_POOLS, BlockShapes, BlockSpec, NetworkSpec
from .patches import (
    Preprocessing,
    ZcaWhitening,
    apply_zca,
    extract_patches,
    fit_preprocessing,
    fit_transform_patches,
    fit_zca,
    normalize_patches,
    to_gray,
)
from .pooling import POOL_KINDS, pool1d, pool2d, pool_output_size
from .receptive import PatchProducts, patch_products, receptive_field
from .receptive_stack import (
    StackLayer,
    receptive_field_growth,
    receptive_field_size,
    receptive_field_support,
    stack_input_length,
)
from .rotation_invariance import bar_image, orientation_pooling, orientation_sweep, rotate_image, rotated_bank
from .shift import translate, translate1d
from .smoothing import (
    DECAY_KINDS,
    SMOOTHING_KERNELS,
    Commutation,
    SlideTerms,
    SmoothingKernel,
    check_lagged_kernel,
    commute,
    default_decay,
    error_vs_width,
    estimate_times,
    flip_and_slide,
    kernel_from_weights,
    lag_of,
    mse,
    placement_lags,
    smooth,
    smoothing_kernel,
)
from .spaceship import SpaceshipTrack, spaceship_track
from .training import OPTIMIZERS, BatchProgress, EpochReport, TrainingResult, train, train_steps
from .transposed import conv_transpose2d, conv_transpose_output_size
from .variants import tiled_conv1d, tiled_conv2d, unshared_conv1d, unshared_conv2d

__all__ = [
    "ACTIVATIONS", "BANK_CHOICES", "BANK_LABELS", "BOUNDARIES", "MODES", "POOL_KINDS",
    "BlockStages", "Explanation", "PatchProducts",
    "activate", "cnn_block_stages", "conv_bank", "conv_block", "convolve1d", "convolve2d", "correlate2d",
    "explain_value", "is_signed_activation", "make_bank", "match_kernels_to_input", "output_size", "pad_image",
    "padding_for", "patch_products", "pool1d", "pool2d", "pool_output_size", "prepare_input", "receptive_field",
    "shrink_to", "translate", "translate1d",
    # the kernel library
    "DEFAULT_BANK_NAMES", "EDGE_PRESET_NAMES", "GABOR_PRESET_DEGREES", "PRESET_NAMES", "default_bank",
    "gabor_kernel", "kernel_to_rgb", "preset_kernel", "random_bank",
    # connectivity (sparse interactions, parameter sharing, variants)
    "MATRIX_KINDS", "ImageCost", "LayerCost", "StackLayer", "connection_ids", "distinct_parameters",
    "image_conv_cost", "layer_costs", "layer_taps", "receptive_field_growth", "receptive_field_size",
    "receptive_field_support", "stack_input_length", "tiled_conv1d", "tiled_conv2d", "uncovered_tail",
    "unshared_conv1d", "unshared_conv2d", "weight_matrix",
    # smoothing the spaceship's position (1-D convolution)
    "DECAY_KINDS", "SMOOTHING_KERNELS", "Commutation", "SlideTerms", "SmoothingKernel", "SpaceshipTrack",
    "check_lagged_kernel", "commute", "default_decay", "error_vs_width", "estimate_times", "flip_and_slide",
    "kernel_from_weights", "lag_of", "mse",
    "placement_lags", "smooth", "smoothing_kernel", "spaceship_track",
    # editing kernels
    "MAX_KERNEL_SIDE", "OPERATIONS", "Normalised", "apply_divisor_offset", "apply_operation", "flip_horizontal",
    "flip_vertical", "is_rotation_symmetric", "normalise", "operation_products", "parse_cell", "parse_grid_text",
    "random_kernel", "resize_kernel", "rotate90", "to_convolution", "transpose",
    # equivariance and invariance
    "BLUR_FILTERS", "EquivarianceCheck", "PooledChange", "ShiftCurve", "band_outline", "bar_image",
    "blur_downsample", "blur_pool", "blur_pool1d", "border_band", "cosine_similarity", "equivariance_check",
    "equivariance_error", "orientation_pooling", "orientation_sweep", "pool_windows", "pooled_change",
    "pooled_offset", "rotate_image", "rotated_bank", "shift_curves",
    # features without supervision: patches, k-means, encoding, comparison
    "ENCODINGS", "FEATURE_SETS", "FEATURE_SET_LABELS", "KMEANS_METHODS", "SORT_KEYS", "Clustering",
    "ComparisonRow", "ComparisonSettings", "OnlineKMeans", "Preprocessing", "ZcaWhitening", "apply_zca",
    "assign_patches", "centroid_orientations", "centroids_to_kernels", "encode_images", "extract_patches",
    "feature_maps", "fit_preprocessing", "fit_transform_patches", "fit_zca", "hand_designed_bank",
    "initial_centres", "learn_centroids", "normalize_patches", "region_pool", "run_comparison", "scale_to_pixels",
    "sort_centroids", "split_indices", "to_gray", "triangle_encoding",
    # the backward pass (training): gradients of the block's stages, transposed convolution
    "activate_grad", "conv_bank_grad", "conv_transpose2d", "conv_transpose_output_size", "pool2d_grad",
    # a small CNN that trains: spec, batched network, training
    "CONV_MODES", "MAX_BLOCKS", "NETWORK_POOLS", "OPTIMIZERS", "BatchProgress", "BlockShapes", "BlockSpec",
    "EpochReport", "Network", "NetworkSpec", "NetworkWeights", "TrainingResult", "init_network", "train",
    "train_steps",
]
