"""Deterministic Vietnamese-sounding place names built from two syllables ("Yên Thịnh")."""

from __future__ import annotations

import numpy as np

_FIRST = (
    "An", "Bình", "Cẩm", "Đông", "Tây", "Nam", "Bắc", "Hòa", "Hưng", "Phú", "Tân", "Thanh",
    "Vĩnh", "Yên", "Xuân", "Quang", "Long", "Minh", "Đức", "Hải", "Kim", "Lạc", "Mỹ", "Ngọc",
    "Phúc", "Quảng", "Sơn", "Thái", "Thiệu", "Thọ", "Thuận", "Trung", "Tiên", "Văn", "Việt",
    "Hoàng", "Hồng", "Lâm", "Lộc", "Nghĩa", "Nhân", "Phong", "Tam", "Tường", "Cát", "Đại",
    "Định", "Gia", "Hà", "Hậu", "Khánh", "Lương", "Mai", "Nông", "Quý", "Thạch", "Thắng",
    "Triệu", "Vân", "Vạn", "Bảo", "Chiêu", "Diễn", "Hội", "Kỳ", "Lệ", "Nga", "Tĩnh",
)
_SECOND = (
    "An", "Bình", "Châu", "Đông", "Giang", "Hà", "Hải", "Hòa", "Hợp", "Hưng", "Khê", "Lạc",
    "Lâm", "Lập", "Linh", "Lộc", "Long", "Lợi", "Lương", "Minh", "Mỹ", "Nghĩa", "Ninh",
    "Phong", "Phú", "Phúc", "Quang", "Sơn", "Tân", "Thạnh", "Thành", "Thịnh", "Thọ", "Thuận",
    "Tiến", "Trung", "Trường", "Tường", "Vân", "Vinh", "Xuân", "Yên", "Điền", "Định", "Đức",
    "Khánh", "Cường", "Thắng", "Hạnh", "Nguyên", "Hội", "Kiều", "Thủy", "Dương",
)

#: Every two-syllable combination whose syllables differ, in a fixed order.
NAME_POOL: tuple[str, ...] = tuple(f"{a} {b}" for a in _FIRST for b in _SECOND if a != b)


def place_names(rng: np.random.Generator, count: int) -> list[str]:
    """Return *count* distinct names drawn from :data:`NAME_POOL`.

    Beyond the pool size the names repeat with a number ("Yên Thịnh 2"), as real unit
    lists do for numbered wards.
    """
    order = rng.permutation(len(NAME_POOL))
    names = []
    for i in range(count):
        base = NAME_POOL[int(order[i % len(NAME_POOL)])]
        round_ = i // len(NAME_POOL)
        names.append(base if round_ == 0 else f"{base} {round_ + 1}")
    return names
