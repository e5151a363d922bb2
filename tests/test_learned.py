"""The examples' model on its own: what it learns from labeled words, and that training finds the optimum."""

from __future__ import annotations

import numpy as np
import pytest

from bot import learned
from bot.learned import _FIT_WEIGHT, WordModel, _fit

# Classes 0 (light) and 1 (watering); 2 is "none of them".
QUESTIONS = [
    (0, ["crispy", "leaf"]),
    (0, ["crispy", "edge"]),
    (0, ["dark", "corner", "leaf"]),
    (1, ["soggy", "soil"]),
    (1, ["soggy", "root"]),
    (1, ["water", "often"]),
    (2, ["buy", "plant"]),
    (2, ["price", "pot"]),
]


@pytest.fixture(scope="module", params=["regression", "naive Bayes"])
def model(request: pytest.FixtureRequest) -> WordModel:
    """Both models a KB can get: naive Bayes when the regression would be too big to train."""
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "naive Bayes":
            patch.setattr(learned, "_MAX_CELLS", 10)
        trained = WordModel.train(2, QUESTIONS)
    assert any(trained.norm) == (request.param == "naive Bayes")
    return trained


def test_a_word_seen_with_one_entry_points_to_it(model: WordModel) -> None:
    crispy, soggy = model.probabilities(["crispy"]), model.probabilities(["soggy"])
    assert crispy[0] > 0.5 > crispy[1]
    assert soggy[1] > 0.5 > soggy[0]


def test_words_of_out_of_scope_questions_take_probability_from_every_entry(model: WordModel) -> None:
    plain, bought = model.probabilities(["leaf"]), model.probabilities(["leaf", "buy"])
    assert bought[0] < plain[0] and bought[1] < plain[1]
    assert set(bought) == {0, 1}  # "none of them" is not an entry


def test_probabilities_among_some_entries_are_normalized_over_those_and_none(model: WordModel) -> None:
    among = model.probabilities(["crispy", "soggy"], among=[1])
    assert set(among) == {1}
    assert among[1] > model.probabilities(["crispy", "soggy"])[1]  # light no longer competes


def test_unknown_words_leave_the_regressions_priors() -> None:
    model = WordModel.train(2, QUESTIONS)  # naive Bayes smooths: an unseen word favours classes with fewer words
    assert model.probabilities(["zebra"]) == model.probabilities([])


def test_training_stops_at_the_minimum_of_the_penalized_loss() -> None:
    """At the optimum the gradient of the loss is zero: a wrong step or sign in L-BFGS would leave it far off."""
    vocabulary: dict[str, int] = {}
    rows = [[vocabulary.setdefault(word, len(vocabulary)) for word in words] for _, words in QUESTIONS]
    labels = [label for label, _ in QUESTIONS]
    weights, base = _fit(rows, labels, 3, len(vocabulary))
    features = np.zeros((len(rows), len(vocabulary)))
    for i, row in enumerate(rows):
        for column in row:
            features[i, column] += 1
    logits = features @ weights + base
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    residual = probabilities - np.eye(3)[labels]
    assert np.abs(features.T @ residual + weights / _FIT_WEIGHT).max() < 1e-3
    assert np.abs(residual.sum(axis=0)).max() < 1e-3
    assert np.abs(weights).max() > 0.5  # and it learned something


def test_a_kb_whose_examples_have_no_words_trains_an_empty_model() -> None:
    model = WordModel.train(1, [(0, []), (1, [])])
    assert model.evidence == {} and model.probabilities(["anything"]) == {0: 0.5}
