"""The discipline route's scores over arrays (学科对口分) take exactly the candidates the plain dict sums took —
the same sums, and ties in the order a dict keeps — through edits and removals of the strength table."""

from __future__ import annotations

import random
from types import SimpleNamespace

from xiaodi.matching import ranking
from xiaodi.matching.routing import Route

DISCIPLINES = ["冶金工程", "材料科学与工程", "环境科学与工程", "化学工程与技术", "矿业工程"]


def _dict_scores(table: ranking._Strengths, routes: list[Route]) -> dict[str, float]:
    """The reference: the dict version the arrays replaced."""
    scores: dict[str, float] = {}
    for r in routes:
        for rid, s in table.by_discipline.get(r.discipline, {}).items():
            scores[rid] = scores.get(rid, 0.0) + r.weight * s
    return scores


def _record(rng: random.Random) -> SimpleNamespace:
    chosen = rng.sample(DISCIPLINES, rng.randint(1, 3))
    grades = [1.0, 0.9, 0.84, 0.7]  # few values: many ties, as the evaluation grades give
    return SimpleNamespace(meta={"strengths": [[d, rng.choice(grades), [f"{d}（学科评估）"]] for d in chosen]})


def test_the_route_takes_the_same_candidates_as_the_dict_sums_through_edits() -> None:
    rng = random.Random(7)
    table = ranking._Strengths()
    for i in range(600):
        table.put(str(i), _record(rng))
    for i in rng.sample(range(600), 80):  # edits move a record to the end of its disciplines; removals drop it
        table.put(str(i), _record(rng) if i % 3 else None)
    for _ in range(20):
        routes = [Route(d, rng.random()) for d in rng.sample(DISCIPLINES, rng.randint(1, 4))]
        expected = _dict_scores(table, routes)
        scores = ranking._RouteScores(table, routes)
        assert scores.as_dict() == expected and list(scores.as_dict()) == list(expected)
        assert scores.top(50) == sorted(expected, key=lambda rid: -expected[rid])[:50]
        assert all(scores.get(rid) == value for rid, value in expected.items())
        asked = [*expected, "removed-or-unknown", *map(str, range(600, 610))]
        assert scores.values(asked) == [expected.get(rid, 0.0) for rid in asked]
        assert scores.get("removed-or-unknown") == 0.0


def test_no_route_and_no_strength_mean_no_route_candidates() -> None:
    table = ranking._Strengths()
    table.put("1", SimpleNamespace(meta={"strengths": []}))
    assert not ranking._RouteScores(table, [Route("冶金工程", 1.0)])
    assert not ranking._RouteScores(table, [])
