"""AHP weights and consistency, held against published figures."""

import pytest

from playbook.ahp import number, weigh


def test_saaty_three_criteria_example():
    # The classic 3x3 example (e.g. Saaty, "The Analytic Hierarchy Process", 1980; widely reproduced):
    # weights 0.637 / 0.258 / 0.105, lambda max 3.039, CR 0.033.
    result = weigh([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    assert [round(w, 3) for w in result.weights] == [0.637, 0.258, 0.105]
    assert result.lambda_max == pytest.approx(3.0385, abs=1e-4)
    assert result.consistency_ratio == pytest.approx(0.0332, abs=1e-3)


def test_weights_are_the_principal_eigenvector():
    matrix = [[1, 2, 4, 3], [1 / 2, 1, 3, 2], [1 / 4, 1 / 3, 1, 1 / 2], [1 / 3, 1 / 2, 2, 1]]
    result = weigh(matrix)
    product = [sum(a * w for a, w in zip(row, result.weights)) for row in matrix]
    for p, w in zip(product, result.weights):
        assert p == pytest.approx(result.lambda_max * w, rel=1e-9)
    assert sum(result.weights) == pytest.approx(1.0)


def test_a_perfectly_consistent_matrix_has_cr_zero():
    priorities = [4, 2, 1]
    matrix = [[a / b for b in priorities] for a in priorities]
    result = weigh(matrix)
    assert [round(w, 6) for w in result.weights] == [round(p / 7, 6) for p in priorities]
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)


def test_fractions_may_be_written_as_text():
    assert number("1/3") == pytest.approx(1 / 3)
    assert number(5) == 5.0
