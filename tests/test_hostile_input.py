"""Configuration files are data (issue 12, part 4): hostile YAML gets one line and exit 2,
within bounded time and memory, and nothing is written."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import SMALL, refused

from simulation.params import ScenarioError, load_scenario
from simulation.params.loader import MAX_DEPTH, MAX_EXTENDS

ALIAS_BOMB = textwrap.dedent("""\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    name: *i
    """)
MAPPING_BOMB = "\n".join(
    ["k0: &k0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}"]
    + [f"k{n}: &k{n} {{a: *k{n-1}, b: *k{n-1}, c: *k{n-1}, d: *k{n-1}, e: *k{n-1}, "
       f"f: *k{n-1}, g: *k{n-1}, h: *k{n-1}, i: *k{n-1}}}" for n in range(1, 9)]
    + ["unknown_key: *k8"]) + "\n"

#: 14 bytes that grew memory without bound (issue 21): the graph check never marked a node
#: as being visited, so an alias inside its own anchor was measured again and again
RECURSIVE = ("name: &a [*a]\n", "a: &a {b: &b {c: *a}}\n",
             "name: x\nlist: [1, &c [2, {k: [*c]}]]\n")

HOSTILE = {
    "alias bomb": (ALIAS_BOMB, "expands to more than"),
    "mapping bomb": (MAPPING_BOMB, "expands to more than"),
    "deep nesting": ("name: " + "[" * 300 + "]" * 300 + "\n", "nesting deeper than"),
    "deep block nesting": ("".join(f"{'  ' * n}k{n}:\n" for n in range(300)) + "  " * 300 + "v: 1\n",
                           "nesting deeper than"),
    "NUL byte": ("name: a\x00b\n", "control character U+0000"),
    "complex key": ("? [a, b]\n: 1\n", "keys must be plain names"),
    "boolean months": ("months: true\n", "months: expected a whole number, got the boolean true"),
    "boolean share": ("volunteers:\n  active_share: false\n", "got the boolean false"),
    "year 0000": ("start: 0000-01\n", "start: use YYYY-MM, a month from 1900-01 to 2199-12"),
    # issue 21: an alias inside its own anchor is a value that contains itself
    "recursive alias": (RECURSIVE[0], "alias refers to its own anchor"),
    "recursive mapping alias": (RECURSIVE[1], "alias refers to its own anchor"),
    "recursive nested alias": (RECURSIVE[2], "alias refers to its own anchor"),
    "huge file": ("description: '" + "x" * 1_100_000 + "'\n", "larger than"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_yaml_one_line_error(name, tmp_path, cli):
    text, message = HOSTILE[name]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    status, out, err = cli("run", path, "--out", tmp_path / "out")
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and len(err) < 400, err
    assert message in err, err
    assert not (tmp_path / "out").exists()


def test_bombs_bounded_in_time_and_memory(tmp_path):
    """Each bomb is refused in a process limited to 1 GB of address space, in seconds."""
    for i, text in enumerate((ALIAS_BOMB, MAPPING_BOMB)):
        (tmp_path / f"bomb{i}.yaml").write_text(text, encoding="utf-8")
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from simulation.cli import main
        sys.exit(max(main(["validate", r"{tmp_path / 'bomb0.yaml'}"]),
                     main(["validate", r"{tmp_path / 'bomb1.yaml'}"])))
        """)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 2, res.stderr
    assert res.stderr.count("\n") == 2 and "Traceback" not in res.stderr


def test_recursive_aliases_bounded_everywhere(tmp_path):
    """Issue 21: an alias inside its own anchor (14 bytes) took all memory. Every command that
    reads YAML, --set and the web page's upload (load_text, what session.upload calls) refuse
    each form with one line, exit 2, in a process limited to 1 GiB, in seconds."""
    calls = []
    for i, text in enumerate(RECURSIVE):
        f = tmp_path / f"r{i}.yaml"
        f.write_text(text, encoding="utf-8")
        calls += [["validate", f], ["run", f, "--out", tmp_path / "out"], ["explain", f],
                  ["sweep", f, "--check"], ["calibrate", f, "--check"]]
    calls += [["validate", "small_city", "--set", "description=&a [*a]"],
              ["run", "small_city", "--set", "territory=&a {b: *a}", "--out", tmp_path / "out"]]
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from simulation.cli import main
        from simulation.app.levers import load_text
        from simulation.params import ScenarioError
        for args in {[[str(a) for a in c] for c in calls]!r}:
            assert main(args) == 2, args
        for text in {list(RECURSIVE)!r}:
            try:
                load_text(text, "upload.yaml")
            except ScenarioError as exc:
                print("error:", exc, file=sys.stderr)
            else:
                raise AssertionError(text)
        """)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    lines = res.stderr.splitlines()
    assert len(lines) == len(calls) + len(RECURSIVE) and "Traceback" not in res.stderr, lines
    assert all(line.startswith("error: ") and "alias refers to its own anchor" in line
               for line in lines), lines
    assert not (tmp_path / "out").exists()


def test_long_values_are_quoted_as_excerpts(tmp_path, cli):
    path = tmp_path / "long.yaml"
    path.write_text("name: '" + "x/" * 5000 + "'\n", encoding="utf-8")
    status, _, err = cli("validate", path)
    assert status == 2 and len(err) < 400 and "..." in err


def test_extends_chain_is_bounded(tmp_path):
    (tmp_path / "f0.yaml").write_text("name: f0\n")
    for n in range(1, 60):
        (tmp_path / f"f{n}.yaml").write_text(f"extends: f{n - 1}.yaml\nname: f{n}\n")
    assert load_scenario(tmp_path / f"f{MAX_EXTENDS - 1}.yaml").name == f"f{MAX_EXTENDS - 1}"
    with pytest.raises(ScenarioError, match="extends chain longer than"):
        load_scenario(tmp_path / "f59.yaml")


def test_nesting_at_the_limit_is_still_read(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("name: ok\ndescription: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n")
    with pytest.raises(ScenarioError, match="description: Input should be a valid string"):
        load_scenario(path)


@pytest.mark.parametrize("item,message", [
    ("months=true", "expected a whole number, got the boolean true"),
    ("name=..", "cannot be a folder name"),
    ("name=a/b", "cannot be a folder name"),
    ("start=0000-01", "start: use YYYY-MM"),
    ("description=&a [*a]", "alias refers to its own anchor"),
    ("description=\x00", "control character"),
    ("workforce={? [a, b]: 1}", "keys must be plain names"),
])
def test_hostile_set_values(item, message):
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(")):
        load_scenario("small_city", [item])


# ---- in-bounds values the model cannot run (issue 21, group 4) ------------------------------

def _overlapping_events(n: int, multiplier: float) -> str:
    events = "".join(f"  - {{name: e{i}, start: 2022-01, months: 12, multiplier: {multiplier}, "
                     "source: test}\n" for i in range(n))
    return f"residents:\n  events:\n{events}"


CANNOT_RUN = {
    # each value is within its own bounds; together or over the run they cannot be simulated
    "100 overlapping events x1000": (_overlapping_events(100, 1000), "residents.events: need would "
                                     "grow 1e+300-fold during the run"),
    # a population that could hold it (5%), so that the model's own size limit is what refuses
    "the largest workforce": ("territory: {population: 2000000000}\nworkforce: {talent_total: 50000000}\n",
                              "workforce: the run could hold 50,003,946 people"),
    "outside_pool 1e8": ("workforce: {exam: {outside_pool: 100000000}}\n",
                         "outside passers 100,000,000"),
    "a million places x 60 months' wait": (
        "territory: {communities: 1000000, villages: 1000000}\nservice: {max_wait_months: 60}\n",
        "the model holds at most 10,000,000"),
    "need growing 100% a year for 100 years": (
        "months: 1200\nresidents: {elderly: {need_growth: 1.0}}\n",
        "residents.elderly.need_growth: need would grow"),
    "no direct service hours": ("service: {worker_hours: 0}\n",
                                "service.worker_hours: Input should be greater than or equal to 1"),
    "reassigned workers giving no time": (
        "network: {reassigned_time_share: 0}\n",
        "network.reassigned_time_share: Input should be greater than or equal to 0.05"),
    "a registration count of 10^12": (
        "workforce: {exam: {registrations_series: {2023: 1000000000000}}}\n",
        "workforce.exam.registrations_series.2023: Input should be less than or equal to 10000000"),
}


@pytest.mark.parametrize("name", list(CANNOT_RUN))
def test_in_bounds_values_that_cannot_run_are_refused(name, tmp_path, cli):
    """Before: "lam value too large", MemoryError, an integer cast of infinity, 2e9 posts per
    room, a crash at 10^12 registrations. Now: one line, exit 2, nothing written."""
    text, message = CANNOT_RUN[name]
    path = tmp_path / "big.yaml"
    path.write_text(f"extends: {SMALL}\nname: big\n{text}", encoding="utf-8")
    started = time.monotonic()
    status, out, err = cli("run", path, "--out", tmp_path / "out")
    assert status == 2 and out == "" and err.startswith("error: "), err
    assert err.count("\n") == 1 and message in err, err
    assert time.monotonic() - started < 10 and not (tmp_path / "out").exists()


def test_refusals_of_unrunnable_values_are_bounded_in_memory(tmp_path):
    """The refusals come from the scenario alone: nothing is built, within 1 GB of address space."""
    paths = []
    for i, key in enumerate(("the largest workforce", "outside_pool 1e8",
                             "a million places x 60 months' wait")):
        paths.append(tmp_path / f"big{i}.yaml")
        paths[-1].write_text(f"extends: {SMALL}\nname: big{i}\n{CANNOT_RUN[key][0]}")
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from simulation.cli import main
        sys.exit(max(main(["run", p, "--out", p + ".out"]) for p in {[str(p) for p in paths]!r}))
        """)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and res.stderr.count("\n") == 3, res.stderr
    assert "Traceback" not in res.stderr and not any(tmp_path.glob("*.out"))


@pytest.mark.filterwarnings("error")
def test_extreme_salaries_run_without_numpy_overflow():
    """Before: "overflow encountered in exp" in the exam decision (a pay step of -1e6 yuan)."""
    from simulation.model import SocialWorkModel

    for sets in (["funding.salary_none=1e6"], ["funding.salary_assistant=1e6"],
                 ["funding.salary_intermediate=0", "funding.salary_senior=1e6",
                  "funding.wage_growth=0.5"]):
        model = SocialWorkModel(load_scenario(SMALL, ["months=13", *sets]), seed=1)
        model.run()
        assert all(math.isfinite(v) for v in model.records[-1].values()
                   if isinstance(v, float) and v == v), sets


@pytest.mark.filterwarnings("error")
def test_smallest_service_hours_and_time_share_keep_posts_finite():
    """At the new lower bounds a room's reassigned headcount stays a whole number within the
    community workers (before: infinity or 2e9 cast to integer posts)."""
    from simulation.model import SocialWorkModel

    sc = load_scenario(SMALL, ["months=3", "service.worker_hours=1",
                               "network.reassigned_time_share=0.05"])
    model = SocialWorkModel(sc, seed=1)
    model.run()
    assert 0 < model.units.posts.max() <= sc.workforce.community_workers


# ---- --replicates (issue 21, group 4) --------------------------------------------------------

def test_replicates_have_an_upper_bound(cli, tmp_path):
    """Before: --replicates 100000000000 was accepted and tried."""
    from simulation.cli import MAX_REPLICATES

    refused(cli("run", SMALL, "--replicates", "100000000000", "--out", tmp_path / "o"),
            f"--replicates: at most {MAX_REPLICATES:,}, got 100,000,000,000")
    refused(cli("run", SMALL, "--replicates", str(MAX_REPLICATES + 1), "--out", tmp_path / "o"),
            "--replicates: at most")
    assert not (tmp_path / "o").exists()


def test_sweep_replicates_have_the_same_bound(cli, tmp_path):
    from simulation.cli import MAX_REPLICATES

    exp = tmp_path / "e.yaml"
    exp.write_text(f"name: e\nscenario: small_city\nmethod: lhs\nsamples: 2\n"
                   f"replicates: {MAX_REPLICATES + 1}\noutputs: [certified_total]\n"
                   "parameters: {workforce.attrition_rate: [0.1, 0.2]}\n")
    refused(cli("sweep", exp, "--check"), f"replicates: Input should be less than or equal to "
            f"{MAX_REPLICATES}")
