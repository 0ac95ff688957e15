"""Rules declared once (issue 22, part 5): each rule that two places had written apart, and
that had drifted, is now one function or one table both read; each test here failed before.
"""

from __future__ import annotations

import pytest
from conftest import SMALL

from simulation.feasibility import check, yearly_budget
from simulation.model import SocialWorkModel
from simulation.params import SOURCES, load_scenario

# ---- 2. validate's budget is the model's ------------------------------------------------------


def test_validate_budget_is_the_models_budget_over_a_year():
    """``swsim validate``'s yearly budget counted every source whole, while the model gives
    social work only each source's ``social_work_share`` (small_city: 7.2 M assumed in 2022,
    6.0 M in the run). Now it is the sum of the run's monthly ``budget_total`` over the year
    (a deterministic run with no volatility: a deterministic run takes a volatile source's
    median shock, below 1)."""
    calm = [f"funding.sources.{s}.volatility=0" for s in SOURCES]
    sc = load_scenario(SMALL, [*calm, "deterministic=true", "months=24"])
    assert sc.funding.sources.reward_subsidy.social_work_share == 0.5  # the share matters here
    model = SocialWorkModel(sc, seed=1)
    for _ in range(sc.months):
        model.step()
    for year in (0, 1):  # 2022 and 2023 (the records start with the state before 2022-01)
        months = [row["budget_total"] for row in model.records
                  if row["date"].startswith(str(2022 + year))]
        assert len(months) == 12
        assert yearly_budget(sc, year) == pytest.approx(sum(months), rel=1e-12)
    assert yearly_budget(sc, 0) == pytest.approx(6.0e6)  # 3.2 + 0.8 + 0.4 + 0.6 + 0.4 + 0.2 + 0.4


@pytest.mark.parametrize(("name", "warned"), [
    # the money for social work by 2025-12 against the network's counted cost (the shares of
    # reward_subsidy and assistance_share were counted whole before: 'tight' and no warning)
    ("small_city", "cannot pay"), ("funding_mix_charity", "cannot pay"),
    ("training_boost", "by less than 5%"), ("tianjin_baseline", None)])
def test_validate_money_warnings_count_only_social_works_share(name, warned):
    money = [w.message for w in check(load_scenario(name)) if w.key.startswith("funding")]
    assert (money == []) if warned is None else (len(money) == 1 and warned in money[0]), money


def test_validate_raise_figure_pays_the_gap_at_the_purchase_lines_share():
    """The amount validate asks for is what closes the gap once the model takes its share:
    raising purchase.amount to it leaves no 'cannot pay' warning."""
    sc = load_scenario("funding_cut", ["funding.sources.purchase.social_work_share=0.5"])
    (warning,) = [w for w in check(sc) if w.key.startswith("funding")]
    figure = warning.message.split("to at least ")[1].split(" ")[0].replace(",", "")
    raised = load_scenario("funding_cut", ["funding.sources.purchase.social_work_share=0.5",
                                           f"funding.sources.purchase.amount={figure}"])
    assert not [w for w in check(raised) if "cannot pay" in w.message]


# ---- 1. the page's levers are the schema's ----------------------------------------------------


@pytest.mark.parametrize("name", ["tianjin_baseline", "small_city", "binhai_2022"])
def test_every_parameter_is_a_lever_or_excluded_with_a_reason(name):
    """The page's groups were a hand-written list of prefixes with no ``staffing.``: its 8
    parameters were missing though the README says the page shows every parameter."""
    from simulation.app.levers import EXCLUDED, GROUPS, TITLES, levers
    from simulation.params.schema import describe_parameters

    sc = load_scenario(name)
    paths = [row["path"] for row in describe_parameters(type(sc), sc)]
    shown = [lv.path for group in levers(sc).values() for lv in group]
    assert len(shown) == len(set(shown))
    assert sorted(shown + list(EXCLUDED)) == sorted(paths)  # each one or the other, not both
    assert all(reason.strip() for reason in EXCLUDED.values())
    staffing = [p for p in paths if p.startswith("staffing.")]
    assert len(staffing) == 8 and set(staffing) == {lv.path for lv in levers(sc)["staffing"]}
    assert [key for key, *_ in GROUPS] == list(TITLES)  # every group titled, in page order


def test_lever_groups_follow_the_schemas_sections():
    """A top-level section is a group of its own without touching the page's code."""
    from pydantic import BaseModel

    from simulation.app.levers import GROUPS, group_of
    from simulation.params import Scenario

    sections = [n for n, f in Scenario.model_fields.items()
                if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)]
    prefixes = {p for *_, ps in GROUPS for p in ps}
    assert {f"{n}." for n in sections} <= prefixes
    assert group_of("staffing.max_posts") == "staffing"
    assert group_of("workforce.exam.month") == "exam" and group_of("months") == "run"


# ---- 3. one judgement of a target ------------------------------------------------------------

#: a threshold and values at it: exactly, floating-point noise below and above, no data
THRESHOLD = 0.5
AT = [0.5, 0.5 - 1e-12, 0.5 + 1e-12, float("nan")]


def _policy(operator: str, date: str | None = "2022-03"):
    from simulation.params.schema import PolicyTarget

    return PolicyTarget(name="t", metric="station_coverage", date=date, operator=operator,
                        threshold=THRESHOLD, source="test")


@pytest.mark.parametrize("operator", [">=", ">", "<=", "<"])
def test_a_value_at_the_threshold_is_judged_the_same_everywhere(operator):
    """The report met ``>=`` within 1e-9, discovery strictly: 0.5 - 1e-12 met a share target
    in the report and failed the same target in ``swsim discover``. Now both call the one
    judgement (params/schema.py ``target_met``), and so does the web page's target table."""
    import pandas as pd

    from simulation.discovery.target import from_policy, parse_target
    from simulation.params.schema import target_met
    from simulation.report import prep

    policy = _policy(operator)
    expected = {">=": [True, True, True, False], ">": [False, False, True, False],
                "<=": [True, True, True, False], "<": [False, True, False, False]}[operator]
    assert list(target_met(AT, operator, THRESHOLD)) == expected
    assert list(policy.met(AT)) == expected
    assert list(prep.holds(pd.Series(AT), policy)) == expected
    assert list(from_policy(policy).holds(AT)) == expected
    assert list(parse_target(f"station_coverage@2022-03 {operator} 0.5").holds(AT)) == expected
    # the report's (and the page's) indicator: each value alone as the run's median at the date
    for value, met in zip(AT[:3], expected[:3], strict=True):
        ts = pd.DataFrame({"date": pd.to_datetime(["2022-01-01", "2022-02-01", "2022-03-01"]),
                           "replicate": 0, "step": [0, 1, 2],
                           "station_coverage": [float("nan"), float("nan"), value]})
        sc = load_scenario("small_city").model_copy(update={"targets": [policy]})
        (ind,) = prep.indicators(ts, sc)
        assert ind.status == ("met" if met else "not_met"), (value, ind)


def test_target_operators_are_declared_once():
    import typing

    from simulation.discovery.target import OPERATORS, TargetError, parse_target
    from simulation.params.schema import TARGET_OPERATORS, PolicyTarget, target_met

    assert typing.get_args(PolicyTarget.model_fields["operator"].annotation) == TARGET_OPERATORS
    assert tuple(OPERATORS) == TARGET_OPERATORS
    for op in TARGET_OPERATORS:
        assert parse_target(f"x {op} 1").op == op
    with pytest.raises(TargetError, match="OP: >=, >, <=, <"):
        parse_target("x == 1")
    with pytest.raises(ValueError, match="unknown target operator"):
        target_met([1.0], "==", 1.0)


# ---- 5. Literals built from the constants -----------------------------------------------------


def _literal_args(annotation):
    import typing

    while typing.get_origin(annotation) is list:
        (annotation,) = typing.get_args(annotation)
    assert typing.get_origin(annotation) is typing.Literal, annotation
    return typing.get_args(annotation)


def test_every_literal_of_the_schema_is_one_of_its_constants():
    """Resident groups, service types and the two mode switches were written out again as
    Literals beside their constant tuples; each Literal is now built from its tuple."""
    from simulation.params import schema as s

    fields = {(s.NeedEvent, "groups"): s.GROUPS, (s.NeedEvent, "types"): s.SERVICE_TYPES,
              (s.Service, "priority_groups"): s.GROUPS, (s.Incentive, "group"): s.INCENTIVE_GROUPS,
              (s.Exam, "registration_mode"): s.REGISTRATION_MODES,
              (s.Staffing, "posts_rule"): s.POSTS_RULES,
              (s.PolicyTarget, "operator"): s.TARGET_OPERATORS}
    for (model, name), constant in fields.items():
        assert _literal_args(model.model_fields[name].annotation) == constant, (model, name)
    from simulation.policies import kinds

    fields[(kinds.ExamIncentive, "group")] = s.INCENTIVE_GROUPS
    assert _literal_args(kinds.ExamIncentive.model_fields["group"].annotation) == s.INCENTIVE_GROUPS
    # and no Literal of several names in the schema or a policy kind is left unaccounted for
    # (a policy's one-name ``kind`` and ``group`` tag the kind; they restate nothing)
    models = [m for m in [*vars(s).values(), *vars(kinds).values()]
              if isinstance(m, type) and issubclass(m, s.Section)]
    literal = {(m, n) for m in models for n, f in m.model_fields.items()
               if "Literal" in str(f.annotation) and len(_literal_args(f.annotation)) > 1}
    assert literal == set(fields)


# ---- one value formatter: the page's tables write values as the report's do ------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_formats_values_as_the_report_does(small_run, lang, tmp_path):
    """The page's comparison table labelled money in the report's scaled unit (M yuan/month)
    but wrote the raw yuan (``,.4g``: 6.45e+06); counts too went through ``.4g``. Both now go
    through the report's one formatter, ``report.i18n.fmt``."""
    from simulation.app.views import compare_rows
    from simulation.report.data import load_run
    from simulation.report.i18n import UNIT_SCALE, fmt, metric_label, metric_unit, tr
    from simulation.report.prep import compare_finals

    ts = load_run(small_run.write(tmp_path / "run")).timeseries  # as the page reads a run
    finals = compare_finals([("a", ts)], [m for m in ts.columns if m == "spend_total"
                                          or m == "social_workers_total" or m == "station_coverage"])
    rows = {row[tr("metric", lang)]: row["a"] for row in compare_rows([("a", ts)], lang)}
    for _, r in finals.iterrows():
        unit = metric_unit(r["metric"])
        shown = rows[metric_label(r["metric"], lang)]
        assert shown == fmt(r["final"], unit, lang)
        if unit == "yuan/month":  # scaled as the unit column says (millions / 万元)
            assert shown == f"{r['final'] / UNIT_SCALE[lang]:,.2f}"
        if unit == "people":
            assert shown == f"{r['final']:,.0f}"
