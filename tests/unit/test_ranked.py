"""A lazily ordered result reads exactly like the list it stands for, however it is read."""

from __future__ import annotations

import random
import threading

import pytest

from reader.library.ranked import FIRST_STEP, Ranked, Tier


def make(n: int, seed: int, tiers: int) -> tuple[Ranked, list[int]]:
    """A random order of ``n`` ids, ``tiers`` disjoint random tiers (some with exclusions), and
    the list a plain filter of the order per tier gives."""
    rng = random.Random(seed)
    order = list(range(n))
    rng.shuffle(order)
    rank = [0] * n
    for position, i in enumerate(order):
        rank[i] = position
    taken: set[int] = set()
    made: list[Tier] = []
    for _ in range(tiers):
        members = set(rng.sample(range(n), rng.randint(0, n))) - taken
        minus = set(rng.sample(sorted(members), rng.randint(0, len(members))))
        made.append((members, minus))
        taken |= members - minus
    expected = [i for members, minus in made for i in order if i in members and i not in minus]
    return Ranked(order, rank, made), expected


SIZES = [0, 1, 7, FIRST_STEP - 1, FIRST_STEP * 5 + 3]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", range(6))
def test_items_slices_and_positions_match_the_eager_list(n: int, seed: int) -> None:
    ranked, expected = make(n, seed, tiers=seed % 4)
    rng = random.Random(seed)
    assert len(ranked) == len(expected)
    for _ in range(30):
        if expected:
            k = rng.randrange(-len(expected), len(expected))
            assert ranked[k] == expected[k]
            wanted = rng.choice(expected)
            assert ranked.index(wanted) == expected.index(wanted)
        a, b = rng.randint(-n - 2, n + 2), rng.randint(-n - 2, n + 2)
        step = rng.choice([None, 1, 2, -1, -3])
        assert ranked[a:b:step] == expected[a:b:step]
    assert list(ranked) == expected
    assert ranked == expected


def test_a_fresh_result_read_whole_or_in_pieces_is_the_same() -> None:
    whole, expected = make(FIRST_STEP * 8, seed=42, tiers=3)
    pieces, _ = make(FIRST_STEP * 8, seed=42, tiers=3)
    got = [pieces[i] for i in range(len(pieces))]
    assert list(whole) == got == expected


def test_the_first_screen_orders_only_a_stretch_of_a_dense_tier() -> None:
    n = FIRST_STEP * 50
    order = list(range(n - 1, -1, -1))
    rank = order[::-1]
    ranked = Ranked(order, rank, [(set(range(0, n, 2)), frozenset())])
    assert ranked[:40] == order[1:80:2]
    ordered = int(repr(ranked).split("(")[1].split(" ")[0])
    assert 40 <= ordered <= FIRST_STEP  # one stretch of the order, not the 25,600 matches
    assert ranked.index(n - 2 - 2 * 1000) == 1000
    assert len(ranked) == n // 2


def test_the_kept_article_in_a_later_tier_leaves_the_earlier_tiers_unordered() -> None:
    n = FIRST_STEP * 50
    order = list(range(n))
    first, second = set(range(1, n, 2)), set(range(0, n, 2))
    ranked = Ranked(order, order, [(first, frozenset()), (second, frozenset())])
    assert ranked.index(10) == len(first) + 5
    assert ranked[len(first) + 5 : len(first) + 8] == [10, 12, 14]
    ordered = int(repr(ranked).split("(")[1].split(" ")[0])
    assert ordered <= FIRST_STEP
    assert ranked[0] == 1 and ranked[-1] == n - 2


def test_absent_ids_and_bounds() -> None:
    ranked, expected = make(50, seed=5, tiers=2)
    absent = next(i for i in range(50) if i not in expected)
    assert absent not in ranked
    assert all(i in ranked for i in expected)
    with pytest.raises(ValueError):
        ranked.index(absent)
    with pytest.raises(IndexError):
        ranked[len(expected)]
    if expected:
        with pytest.raises(ValueError):
            ranked.index(expected[0], 1)


def test_two_threads_reading_at_once_see_one_order() -> None:
    ranked, expected = make(FIRST_STEP * 40, seed=9, tiers=3)
    strided: list[list[int]] = []

    def read() -> None:
        strided.append([ranked[i] for i in range(0, len(ranked), 7)])

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    whole = list(ranked)
    for thread in threads:
        thread.join()
    assert whole == expected
    assert strided == [expected[::7], expected[::7]]
