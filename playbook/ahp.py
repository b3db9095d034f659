"""The analytic hierarchy process: weights from a pairwise comparison matrix, and its consistency.

Weights are the principal eigenvector of the matrix, found by power iteration (Saaty's method;
a positive matrix has one dominant eigenvalue, so it converges). Doing it in a few lines spares
every check run the import of a linear-algebra library.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

# Saaty's random consistency index by matrix size (Saaty 1980; n = 1..15).
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)
RECIPROCAL_TOLERANCE = 0.02  # a written 0.33 is taken as the reciprocal of 3


@dataclass(frozen=True)
class AhpResult:
    weights: tuple[float, ...]
    lambda_max: float
    consistency_index: float
    consistency_ratio: float


def number(cell) -> float:
    """A matrix cell: a number, or a fraction written as the string ``"1/3"``."""
    return float(Fraction(cell)) if isinstance(cell, str) else float(cell)


def weigh(matrix: list[list[float]], tolerance: float = 1e-12, max_rounds: int = 10_000) -> AhpResult:
    """Principal eigenvector (normalised to sum 1), lambda max, CI and CR of a square matrix."""
    n = len(matrix)
    w = [1.0 / n] * n
    for _ in range(max_rounds):
        product = [sum(a * x for a, x in zip(row, w)) for row in matrix]
        total = sum(product)
        new = [p / total for p in product]
        done = max(abs(a - b) for a, b in zip(new, w)) < tolerance
        w = new
        if done:
            break
    product = [sum(a * x for a, x in zip(row, w)) for row in matrix]
    lambda_max = sum(p / x for p, x in zip(product, w)) / n
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    ri = RANDOM_INDEX[n - 1] if n <= len(RANDOM_INDEX) else RANDOM_INDEX[-1]
    cr = ci / ri if ri else 0.0
    return AhpResult(tuple(w), lambda_max, ci, cr)


def problems(item: dict, max_cr: float):
    """What is wrong with an AHP item (``criteria`` and ``matrix``), as (code, path, params)."""
    criteria, rows = item.get("criteria"), item.get("matrix")
    if not isinstance(criteria, list) or not isinstance(rows, list):
        return
    n = len(criteria)
    if len(rows) != n:
        yield "ahp_not_square", ("matrix",), {"rows": len(rows), "n": n}
        return
    matrix = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != n:
            yield "ahp_row_length", ("matrix", i), {"n": n}
            return
        try:
            matrix.append([number(c) for c in row])
        except (ValueError, TypeError, ZeroDivisionError):
            return  # the schema reports the bad cell
    consistent = True
    for i in range(n):
        if abs(matrix[i][i] - 1) > 1e-9:
            consistent = False
            yield "ahp_diagonal", ("matrix", i, i), {}
        for j in range(i + 1, n):
            if abs(matrix[i][j] * matrix[j][i] - 1) > RECIPROCAL_TOLERANCE:
                consistent = False
                yield "ahp_not_reciprocal", ("matrix", j, i), {
                    "row": criteria[i], "column": criteria[j], "a": rows[i][j], "b": rows[j][i]}
    if consistent:
        cr = weigh(matrix).consistency_ratio
        if cr >= max_cr:
            yield "ahp_inconsistent", ("matrix",), {"cr": f"{cr:.3f}", "limit": max_cr}


def weigh_item(item: dict) -> AhpResult:
    """The AHP result of a valid AHP item."""
    return weigh([[number(c) for c in row] for row in item["matrix"]])
