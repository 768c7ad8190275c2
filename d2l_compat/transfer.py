"""Moving a net's weights between frameworks: layers matched in order, shapes checked.

Gluon and PyTorch store convolution weights as (out, in, h, w) and dense weights as
(out, in), so a net written layer for layer in both takes the other's arrays unchanged.
``d2l.get_params(net)`` gives {'layer.kind': numpy array}; ``d2l.set_params(net, params)``
loads such a dict (from either backend, or from ``numpy.load`` of a saved one).
"""
import numpy as np


class ParamMismatchError(ValueError):
    """Two nets' parameters do not line up layer for layer."""


def match(params, target, backend):
    """The arrays of ``params`` in the order of ``target`` [(layer, kind, array)], checked."""
    source = list(params.items())
    if len(source) != len(target):
        names = ', '.join(f'{layer}.{kind}' for layer, kind, _ in target)
        raise ParamMismatchError(
            f'{len(source)} parameters given but the {backend} net has {len(target)} '
            f'({names}): the nets do not have the same layers')
    arrays = []
    for (name, array), (layer, kind, current) in zip(source, target):
        array = np.asarray(array)
        given_kind = name.rsplit('.', 1)[-1]
        if given_kind != kind:
            raise ParamMismatchError(f'{name} (a {given_kind}) cannot go into {layer}.{kind} '
                                     f'of the {backend} net: the layers are not in the same order')
        if array.shape != current.shape:
            raise ParamMismatchError(f'{name} has shape {array.shape} but {layer}.{kind} of the '
                                     f'{backend} net has shape {current.shape}')
        arrays.append(array.astype(current.dtype, copy=False))
    return arrays
