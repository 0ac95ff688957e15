"""swsim discover: PRIM finds the lever ranges for the 50%-certified target on a small sweep.

The fixture runs a 48-month small city (2022-01..2025-12) sweep through ``swsim sweep``
(48 Latin-hypercube points x 1 replicate, ~5 s), so the target is the real one,
``community_worker_certified_share@2025-12 >= 0.5``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulation.cli import main
from simulation.discovery import parse_target
from simulation.discovery.target import TargetError

ROOT = Path(__file__).resolve().parent.parent
TARGET = "community_worker_qualified_share@2025-12 >= 0.5"
GROWTH = "workforce.recruitment.qualified_share"


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("disc")
    (folder / "city48.yaml").write_text("extends: small_city\nname: city48\nmonths: 48\n",
                                        encoding="utf-8")
    exp = yaml.safe_load((ROOT / "experiments" / "certified_target_small_city.yaml").read_text())
    exp.update(name="disc48", scenario="city48.yaml", samples=48, replicates=1,
               outputs=["community_worker_qualified_share@2025-12", "community_worker_certified_share",
                        "certified_total"])
    (folder / "disc48.yaml").write_text(yaml.safe_dump(exp), encoding="utf-8")
    assert main(["sweep", str(folder / "disc48.yaml"), "--out", str(folder / "sweep"),
                 "--workers", "2"]) == 0
    return folder / "sweep"


@pytest.mark.e2e
def test_discovers_the_certified_target(sweep, cli):
    status, out, err = cli("discover", sweep, "--target", TARGET)
    assert status == 0, err
    folder = sweep / "discovery"
    assert sorted(p.name for p in folder.iterdir()) == ["boxes.csv", "discovery.json", "discovery.png"]
    info = json.loads((folder / "discovery.json").read_text(encoding="utf-8"))
    assert 0 < info["points_meeting_target"] < info["points"] == 48
    box = info["chosen_box"]
    prim = box.get("prim_box", box)  # PRIM's choice; the reported box drops weak restrictions
    assert prim["density"] >= 0.8 and box["coverage"] >= prim["coverage"] > 0.3
    assert box["res_dim"] <= prim["res_dim"]
    # the box asks for more of what raises the share (qualified recruitment or the pass
    # rate, raised lows) and never for more attrition (a lowered high or no limit)
    limits = box["limits"]
    raised = [limits[k]["low"] > limits[k]["sweep_low"] + 1e-9
              for k in (GROWTH, "workforce.exam.pass_rate_assistant")]
    assert any(raised)
    attrition = limits["workforce.attrition_rate"]
    assert attrition["high"] <= attrition["sweep_high"] and (
        not attrition["restricted"] or attrition["high"] < attrition["sweep_high"])
    boxes = pd.read_csv(folder / "boxes.csv")
    assert {"box", "coverage", "density", "mass", "res_dim", "chosen", f"{GROWTH}.low",
            f"{GROWTH}.high"} <= set(boxes.columns)
    assert boxes["chosen"].sum() == 1 and boxes.loc[0, "coverage"] == 1.0
    assert (folder / "discovery.png").stat().st_size > 10_000
    assert "coverage" in out and all(k in out for k, v in limits.items() if v["restricted"])
    # swsim report on the sweep folder includes the discovery: box table and figure
    status, _, err = cli("report", sweep, "--out", sweep / "report")
    assert status == 0, err
    page = (sweep / "report" / "report.html").read_text(encoding="utf-8")
    assert 'id="discovery"' in page and GROWTH in page.split('id="discovery"', 1)[1]
    assert "discovery/discovery.png" in page


@pytest.mark.e2e
def test_bare_metric_means_final_value_and_other_out(sweep, cli, tmp_path):
    status, out, err = cli("discover", sweep, "--target", "community_worker_certified_share>0.5",
                           "--out", tmp_path / "d")
    assert status == 0, err
    info = json.loads((tmp_path / "d" / "discovery.json").read_text(encoding="utf-8"))
    assert info["output"] == "community_worker_certified_share" and info["operator"] == ">"


@pytest.mark.e2e
def test_unreachable_target_writes_no_box(sweep, cli, tmp_path):
    status, out, _ = cli("discover", sweep, "--target", "certified_total < 0", "--out", tmp_path / "d")
    assert status == 0 and "no sample point meets the target" in out
    assert json.loads((tmp_path / "d" / "discovery.json").read_text())["chosen_box"] is None


@pytest.mark.e2e
@pytest.mark.parametrize(("target", "message"), [
    ("need_met_share@2025-12 >= 0.5", "is not an output of this sweep"),
    ("community_worker_certified_share@2024-12 >= 0.5", "is not an output of this sweep"),
    ("community_worker_certified_share@2025-12 => 0.5", "cannot read target"),
    ("community_worker_certified_share@2025-12 >= half", "cannot read target"),
])
def test_bad_targets_exit_2(sweep, cli, tmp_path, target, message):
    status, out, err = cli("discover", sweep, "--target", target, "--out", tmp_path / "d")
    assert status == 2 and out == "" and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "d").exists()


def test_unfinished_sweep_exit_2(cli, tmp_path):
    status, _, err = cli("discover", tmp_path, "--target", TARGET)
    assert status == 2 and "not a finished sweep" in err


def test_parse_target():
    t = parse_target(" x.y@2025-12>=5e-1 ")
    assert (t.output, t.op, t.value) == ("x.y@2025-12", ">=", 0.5)
    assert list(t.holds([0.4, 0.5, float("nan")])) == [False, True, False]
    with pytest.raises(TargetError):
        parse_target("x == 1")


@pytest.mark.e2e
def test_discover_out_never_mixes_with_other_files(sweep, cli, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    status, out, err = cli("discover", sweep, "--target", TARGET, "--out", mine)
    assert status == 2 and out == "" and "holds other files (notes.txt)" in err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert cli("discover", sweep, "--target", TARGET, "--out", mine, "--overwrite")[0] == 0
    assert "notes.txt" not in {p.name for p in mine.iterdir()}
    assert cli("discover", sweep, "--target", TARGET, "--out", mine)[0] == 0  # its own kind


def test_discover_on_a_tiny_plug_in_sweep(cli, tmp_path):
    """The fast suite's whole discover path (the sweep folder read, the target applied, PRIM,
    the three files) on 200 Ishigami points (a few seconds): y = sin x1 (1 + 0.1 x3^4) + 7 sin^2 x2 >= 6
    wants sin x1 > 0 far more than any x3, so the box raises x1's low above 0 and leaves x3."""
    pi = 3.14159
    exp = tmp_path / "e.yaml"
    exp.write_text(json.dumps({  # JSON is YAML
        "name": "disc", "method": "lhs", "samples": 200, "seed": 11,
        "model": "simulation.experiments.examples:ishigami",
        "parameters": {f"x{i}": [-pi, pi] for i in (1, 2, 3)}, "outputs": ["y"]}), encoding="utf-8")
    assert cli("sweep", exp, "--out", tmp_path / "sw", "--workers", "1")[0] == 0
    status, out, err = cli("discover", tmp_path / "sw", "--target", "y >= 6")
    assert status == 0, err
    folder = tmp_path / "sw" / "discovery"
    assert sorted(p.name for p in folder.iterdir()) == ["boxes.csv", "discovery.json", "discovery.png"]
    info = json.loads((folder / "discovery.json").read_text(encoding="utf-8"))
    runs = pd.read_parquet(tmp_path / "sw" / "runs.parquet")
    assert info["points"] == 200 and info["points_meeting_target"] == int((runs["y"] >= 6).sum()) > 0
    limits = info["chosen_box"]["limits"]
    assert limits["x1"]["restricted"] and limits["x1"]["low"] > 0
    assert not limits["x3"]["restricted"]
    assert "x1" in out and "coverage" in out
