"""Configuration files are data (issue 12, part 4): hostile YAML gets one line and exit 2,
within bounded time and memory, and nothing is written."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

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
