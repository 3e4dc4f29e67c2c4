"""Boolean masks packed 8 to a byte, with integer arithmetic only (any device, no extension).

Packing reads the bool mask as little-endian 64-bit words, each holding 8 bytes that are 0 or 1,
and gathers their low bits into the top byte with one multiply: byte i of the word lands at bit
56 + i when multiplied by sum_i 2^(56 - 7i) = 0x0102040810204080, and no two of the 64 partial
products share a bit position, so nothing carries into the top byte. Unpacking tests each byte
against the 8 powers of two. Both are a single pass over n/8 words (pack) or n bytes (unpack).
"""

from __future__ import annotations

import torch

__all__ = ["pack_bits", "unpack_bits"]

_GATHER = 0x0102040810204080
_POWERS: dict[torch.device, torch.Tensor] = {}


def pack_bits(mask: torch.Tensor) -> torch.Tensor:
    """``mask`` (bool, any shape) as uint8 holding 8 elements each, in flat order (padded)."""
    flat = mask.reshape(-1).view(torch.uint8)
    pad = (-flat.numel()) % 8
    if pad:
        flat = torch.cat([flat, flat.new_zeros(pad)])
    words = flat.view(torch.int64)  # little-endian: element 8k + i is byte i of word k
    return torch.bitwise_right_shift(words * _GATHER, 56).to(torch.uint8)


def unpack_bits(packed: torch.Tensor, shape: torch.Size | tuple) -> torch.Tensor:
    """The bool mask of ``shape`` that ``pack_bits`` packed."""
    powers = _POWERS.get(packed.device)
    if powers is None:
        powers = _POWERS[packed.device] = torch.tensor(
            [1, 2, 4, 8, 16, 32, 64, 128], dtype=torch.uint8, device=packed.device
        )
    n = 1
    for d in shape:
        n *= int(d)
    return (torch.bitwise_and(packed.unsqueeze(-1), powers) != 0).view(-1)[:n].reshape(shape)
