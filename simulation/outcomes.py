"""The metric registry: every output column's name, labels (en/zh), unit and computation.

Each metric is computed here and only here, from the model's state tables
and the month's flows. Plots and reports read names, labels and units from
:data:`METRICS`; never rename a published name, add new ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

import numpy as np

from .params import GROUPS, LEVELS, SERVICE_TYPES, SOURCES
from .params.schema import REGISTRANT_GROUPS
from .policies import ITEM_LABELS as POLICY_ITEM_LABELS
from .processes import funding, staffing
from .processes.duties import DUTIES
from .processes.funding import COST_ITEMS
from .state import EMPLOYERS, Level, S, T

if TYPE_CHECKING:
    from .model import SocialWorkModel

__all__ = ["DISTRICT_METRICS", "METRICS", "Metric", "Snapshot", "by_district", "collect", "key_metrics",
           "metric_names", "model_reporters"]


class Snapshot:
    """Quantities several metrics share, computed once per month."""

    def __init__(self, model: SocialWorkModel):
        self.m = model

    @cached_property
    def alive(self) -> np.ndarray:
        return self.m.workers.view("alive")

    @cached_property
    def level_counts(self) -> np.ndarray:
        return np.bincount(self.m.workers.view("level")[self.alive], minlength=len(Level))

    @cached_property
    def operating(self) -> np.ndarray:
        on: np.ndarray = self.m.units.status == S["operating"]
        return on

    @cached_property
    def professionals(self) -> np.ndarray:
        """Professional (certified) staff per unit (seed 001's definition)."""
        w = self.m.workers
        unit = w.view("unit")
        on = (unit >= 0) & (w.view("level") >= Level.STAFF)
        return np.bincount(unit[on], minlength=len(self.m.units))

    def flow(self, name: str) -> np.ndarray:
        value = getattr(self.m.flows, name)
        return np.zeros((len(GROUPS), 3)) if value is None else value

    @cached_property
    def fte(self) -> np.ndarray:
        """Staff per unit, full-time equivalents (reassigned workers by time share)."""
        return staffing.actual_fte(self.m)

    @cached_property
    def in_network(self) -> np.ndarray:
        return staffing.in_network(self.m)

    @cached_property
    def staff_by_tier(self) -> np.ndarray:
        """Required FTE, staff FTE and shortfall (rows) by tier, over the network."""
        net, u = self.in_network, self.m.units
        req, act = self.m.staffing.required[net], self.fte[net]
        tier = u.tier[net]
        return np.array([np.bincount(tier, v, len(T)) for v in
                         (req, act, np.maximum(req - act, 0.0))])

    @cached_property
    def employer_counts(self) -> np.ndarray:
        w = self.m.workers
        talent = self.alive & w.view("talent")
        return np.bincount(w.view("employer")[talent], minlength=len(EMPLOYERS))

    @cached_property
    def served(self) -> float:
        return float(self.flow("served").sum())

    @cached_property
    def spend(self) -> np.ndarray:
        s = self.m.ledger.spend
        return s if len(s) else np.zeros(len(SOURCES))


#: groups of tiers the staffing metrics are given for (``wisn_ratio.<name>``)
STAFF_GROUPS: dict[str, tuple[str, ...]] = {
    **{t: (t,) for t in ("centre", "street_station", "town_station", "urban_room", "rural_room")},
    "urban": ("street_station", "urban_room"), "rural": ("town_station", "rural_room")}
STAFF_GROUP_EN = {"centre": "district centres", "street_station": "street stations",
                  "town_station": "town stations", "urban_room": "urban rooms",
                  "rural_room": "village rooms", "urban": "urban units", "rural": "rural units"}
STAFF_GROUP_ZH = {"centre": "区县指导中心", "street_station": "街道社工站", "town_station": "乡镇社工站",
                  "urban_room": "社区社工室", "rural_room": "村社工室", "urban": "城市", "rural": "农村"}


def _staff_sums(s: Snapshot, group: str | None) -> tuple[float, float, float]:
    """Required FTE, actual FTE and the shortfall summed over units in the network."""
    by_tier = s.staff_by_tier  # 3 x tier
    tiers = slice(None) if group is None else [T[t] for t in STAFF_GROUPS[group]]
    req, act, gap = by_tier[:, tiers].sum(axis=1)
    return float(req), float(act), float(gap)


def _wisn(group: str | None, part: str) -> Callable[[Snapshot], float]:
    def f(s: Snapshot) -> float:
        req, act, gap = _staff_sums(s, group)
        return {"required": req, "actual": act, "gap": gap, "ratio": _share(act, req)}[part]
    return f


def _station_ratio_percentile(q: float) -> Callable[[Snapshot], float]:
    """The ``q``-th percentile of operating stations' WISN ratios (actual / required)."""
    def f(s: Snapshot) -> float:
        on = s.operating & staffing.stations_mask(s.m)
        if not on.any():
            return float("nan")
        return float(np.percentile(s.fte[on] / s.m.staffing.required[on], q))
    return f


def _stations_without_certified(s: Snapshot) -> float:
    on = s.operating & staffing.stations_mask(s.m)
    w = s.m.workers
    unit = w.view("unit")
    cert = (unit >= 0) & (w.view("level") >= Level.ASSISTANT)
    n_cert = np.bincount(unit[cert], minlength=len(s.m.units))
    return _share((on & (n_cert == 0)).sum(), on.sum())


def _stations_at(status: int) -> Callable[[Snapshot], float]:
    def f(s: Snapshot) -> float:
        st = staffing.stations_mask(s.m)
        return _share((st & (s.m.units.status >= status)).sum(), st.sum())
    return f


def _share(num: float | np.number[Any], den: float | np.number[Any]) -> float:
    return float(num) / float(den) if den > 0 else float("nan")


def _coverage(tiers: tuple[str, ...]) -> Callable[[Snapshot], float]:
    def f(s: Snapshot) -> float:
        members = np.isin(s.m.units.tier, [T[t] for t in tiers])
        return _share((members & s.operating).sum(), members.sum())
    return f


def _staffing_compliance(s: Snapshot) -> float:
    ok = s.professionals >= s.m.units.min_staff
    return _share((ok & s.operating).sum(), s.operating.sum())


def _cw_certified_share(s: Snapshot) -> float:
    w = s.m.workers
    cw = s.alive & w.view("community_worker")
    return _share((cw & (w.view("level") >= Level.ASSISTANT)).sum(), cw.sum())


def _qualified_share(pool: str) -> Callable[[Snapshot], float]:
    """Share of a pool holding the national certificate or a social-work degree (the
    seed-002 target's reading)."""
    def f(s: Snapshot) -> float:
        w = s.m.workers
        members = s.alive & w.view(pool)
        qualified = (w.view("level") >= Level.ASSISTANT) | w.view("degree")
        return _share((members & qualified).sum(), members.sum())
    return f


def _registrations(group: int) -> Callable[[Snapshot], float]:
    def f(s: Snapshot) -> float:
        by_group = s.m.flows.registrations_by_group
        return 0.0 if by_group is None else float(by_group[group])
    return f


def _duties(duty: str | None) -> Callable[[Snapshot], float]:
    """Share of operating stations meeting one duty (or all of them)."""
    def f(s: Snapshot) -> float:
        op = s.m.duties.operating
        met = s.m.duties.met
        ok = np.logical_and.reduce([met[d] for d in DUTIES]) if duty is None else met[duty]
        return _share((ok & op).sum(), op.sum())
    return f


def _budget(s: Snapshot, k: int) -> float:
    b = s.m.ledger.budget
    return float(b[k]) if len(b) else 0.0


def _group_flow(name: str, g: int) -> Callable[[Snapshot], float]:
    return lambda s: float(s.flow(name)[g].sum())


def _group_wait(g: int | None) -> Callable[[Snapshot], float]:
    def f(s: Snapshot) -> float:
        ww = s.m.flows.wait_weighted
        if ww is None:
            return float("nan")
        served = s.flow("served")
        return (_share(ww.sum(), served.sum()) if g is None
                else _share(ww[g], served[g].sum()))
    return f


def _group_served(g: int | None) -> Callable[[Snapshot], float]:
    """Share of the need there was to serve this month (the backlog at its start plus the
    month's new need) that was served (issue 15, item 7)."""
    def f(s: Snapshot) -> float:
        served, due = s.flow("served"), s.flow("backlog_start") + s.flow("need")
        if g is not None:
            served, due = served[g], due[g]
        return _share(served.sum(), due.sum())
    return f


def _group_met(g: int | None) -> Callable[[Snapshot], float]:
    """Share of the need resolved this month that was served rather than abandoned: it
    reads 1 until need starts being abandoned after ``max_wait_months`` (use
    ``need_served_share`` for how much of the need there was got served)."""
    def f(s: Snapshot) -> float:
        served, lost = s.flow("served"), s.flow("abandoned")
        if g is not None:
            served, lost = served[g], lost[g]
        return _share(served.sum(), served.sum() + lost.sum())
    return f


@dataclass(frozen=True)
class Metric:
    name: str
    label_en: str
    label_zh: str
    unit: str
    compute: Callable[[Snapshot], float]
    #: a key metric: printed by ``swsim run``, in the report's final-month table and
    #: scenario comparison, and in docs/calibration.md's table of scenario outcomes
    key: bool = False


def _m(name: str, en: str, zh: str, unit: str, fn: Callable[[Snapshot], float],
       key: bool = False) -> Metric:
    return Metric(name, en, zh, unit, fn, key)


LEVEL_ZH = {"staff": "社会工作员", "assistant": "助理社工师", "intermediate": "社工师",
            "senior": "高级社工师"}
SOURCE_ZH = {"purchase": "政府购买服务", "reward_subsidy": "以奖代补", "assistance_share": "社会救助资金",
             "lottery": "彩票公益金", "charity": "慈善资金", "market_fees": "市场服务收费",
             "district": "区县配套资金"}
LEVEL_EN = {"staff": "staff certificate", "assistant": "assistant social worker",
            "intermediate": "social worker (intermediate)", "senior": "senior social worker"}
SOURCE_EN = {"purchase": "purchase of services", "reward_subsidy": "reward in lieu of subsidy",
             "assistance_share": "social-assistance funds", "lottery": "lottery funds",
             "charity": "charity", "market_fees": "market fees", "district": "district co-funding"}
DUTY_EN = {"casework": "casework cases", "supervision": "supervision hours",
           "ce_hours": "continuing education"}
EMPLOYER_EN = {"purchase": "purchase of services", "reassigned": "reassigned community workers",
               "recruited": "public recruitment", "social_org": "social organisations",
               "community": "community workers", "other": "other employers"}
ITEM_EN = {"salaries": "salaries and social insurance", "operating": "operating costs",
           "training": "training", "projects": "projects", "volume": "payment by service volume",
           "incentives": "exam incentives (bonuses, allowances)",
           **{item: en for item, (en, _) in POLICY_ITEM_LABELS.items()}}  # policy kinds' items
REGISTRANT_EN = {"community_workers": "community workers", "grid_workers": "grid workers",
                 "workforce": "social-work workforce", "outside": "outside (students, others)"}
REGISTRANT_ZH = {"community_workers": "社区工作者", "grid_workers": "网格员", "workforce": "社工人才",
                 "outside": "其他(学生等)"}
TYPE_EN = {"casework": "casework", "group": "group and community work", "support": "simple support"}
GROUP_EN = {"assistance": "assistance recipients", "elderly": "elderly", "disabled": "disabled",
            "children": "children", "others": "other residents"}
TYPE_ZH = {"casework": "个案工作", "group": "小组与社区工作", "support": "简易支持"}
DUTY_ZH = {"casework": "个案工作", "supervision": "专业督导", "ce_hours": "继续教育"}
EMPLOYER_ZH = {"purchase": "政府购买服务", "reassigned": "社区工作者调剂", "recruited": "公开招聘",
               "social_org": "社会组织", "community": "社区", "other": "其他"}
ITEM_ZH = {"salaries": "人员薪酬与社保", "operating": "运营", "training": "培训", "projects": "项目",
           "volume": "按服务量补贴", "incentives": "报考激励",
           **{item: zh for item, (_, zh) in POLICY_ITEM_LABELS.items()}}
GROUP_ZH = {"assistance": "社会救助对象", "elderly": "老年人", "disabled": "残疾人", "children": "儿童",
            "others": "其他居民"}

METRICS: list[Metric] = [
    _m("station_coverage", "Station coverage", "社工站覆盖率", "share",
       _coverage(("street_station", "town_station")), key=True),
    _m("room_coverage", "Room coverage", "社工室覆盖率", "share",
       _coverage(("urban_room", "rural_room")), key=True),
    _m("staffing_compliance", "Staffing compliance", "人员配备达标率", "share", _staffing_compliance,
       key=True),
    _m("social_workers_total", "Social-work workforce", "社会工作专业人才", "people",
       lambda s: int((s.alive & s.m.workers.view("talent")).sum()), key=True),
    _m("certified_total", "Nationally certified", "持国家证书人数", "people",
       lambda s: int(s.level_counts[Level.ASSISTANT:].sum()), key=True),
    *[_m(f"certified_by_level.{lv}", f"Certified: {LEVEL_EN[lv]}", LEVEL_ZH[lv], "people",
         (lambda k: lambda s: int(s.level_counts[k]))(Level[lv.upper()])) for lv in LEVELS],
    _m("community_worker_certified_share", "Community workers certified", "社区工作者持证比例",
       "share", _cw_certified_share, key=True),
    _m("community_worker_qualified_share", "Community workers qualified (certificate or degree)",
       "社区工作者持证或具社工专业学历比例", "share", _qualified_share("community_worker"), key=True),
    _m("exam_registrations", "Exam registrations", "报考人数", "people/month",
       lambda s: s.m.flows.registrations),
    _m("exam_passes", "Certificates granted", "取证人数", "people/month",
       lambda s: s.m.flows.passes),
    _m("workforce_entries", "Workforce entries", "人才流入", "people/month",
       lambda s: s.m.flows.entries),
    _m("workforce_exits", "Workforce exits", "人才流出", "people/month",
       lambda s: s.m.flows.exits),
    _m("volunteers_registered", "Registered volunteers", "注册志愿者", "people",
       lambda s: int(s.m.volunteers.registered.sum())),
    _m("volunteers_active", "Active volunteers", "活跃志愿者", "people",
       lambda s: int(s.m.volunteers.active.sum())),
    _m("volunteer_hours", "Volunteer service hours", "志愿服务时长", "hours/month",
       lambda s: float(s.m.flows.served_by_provider.get("volunteer", 0.0))),
    _m("need_hours", "New need", "新增需求", "hours/month", lambda s: float(s.flow("need").sum())),
    _m("served_hours", "Served", "已服务", "hours/month", lambda s: s.served),
    _m("abandoned_hours", "Abandoned need", "放弃的需求", "hours/month",
       lambda s: float(s.flow("abandoned").sum())),
    _m("need_served_share", "Need served (of backlog + new need)", "需求服务率", "share",
       _group_served(None), key=True),
    # served / (served + abandoned): reads 1 until need is abandoned (max_wait_months), so
    # the headline (key metrics: swsim run, the report) is need_served_share (issue 15)
    _m("need_met_share", "Need met (of need resolved, served or abandoned)", "需求满足率(已结案)",
       "share", _group_met(None)),
    _m("backlog_hours", "Backlog", "积压需求", "hours", lambda s: float(s.m.service.backlog.sum())),
    _m("mean_wait_months", "Mean wait", "平均等待", "months", _group_wait(None)),
    _m("spend_total", "Spending", "支出", "yuan/month", lambda s: float(s.spend.sum()),
       key=True),
    *[_m(f"spend_by_source.{src}", f"Spending: {SOURCE_EN[src]}", SOURCE_ZH[src], "yuan/month",
         (lambda k: lambda s: float(s.spend[k]))(i)) for i, src in enumerate(SOURCES)],
    # the whole cost, funded or not (spend_total + funding_gap)
    _m("cost_per_service_hour", "Cost per service hour", "每服务小时成本", "yuan/hour",
       lambda s: _share(funding.cost(s.m), s.served)),
    # additions beyond the core contract
    _m("centre_coverage", "Guidance centre coverage", "指导中心覆盖率", "share",
       _coverage(("centre",))),
    _m("community_workers", "Community workers", "社区工作者", "people",
       lambda s: int((s.alive & s.m.workers.view("community_worker")).sum())),
    _m("budget_total", "Budget", "预算", "yuan/month", lambda s: float(s.m.ledger.budget.sum())),
    _m("served_by_provider.worker", "Served by social workers", "社工服务", "hours/month",
       lambda s: float(s.m.flows.served_by_provider.get("worker", 0.0))),
    _m("served_by_provider.volunteer", "Served by volunteers", "志愿者服务", "hours/month",
       lambda s: float(s.m.flows.served_by_provider.get("volunteer", 0.0))),
    _m("volunteers_coordinated", "Volunteers coordinated", "受协调志愿者", "people",
       lambda s: s.m.flows.volunteers_coordinated),
    _m("served_by_provider.social_org", "Served by social-organisation projects", "社会组织项目服务",
       "hours/month", lambda s: float(s.m.flows.served_by_provider.get("social_org", 0.0))),
    _m("duties_compliance", "Stations meeting all duties", "履职达标率", "share",
       _duties(None), key=True),
    *[_m(f"duties_compliance.{d}", f"Duty met: {DUTY_EN[d]}", f"履职达标:{DUTY_ZH[d]}", "share", _duties(d))
      for d in DUTIES],
    *[_m(f"workers_by_employer.{e}", f"Workforce: {EMPLOYER_EN[e]}", f"人才:{EMPLOYER_ZH[e]}", "people",
         (lambda k: lambda s: int(s.employer_counts[k]))(i)) for i, e in enumerate(EMPLOYERS)],
    _m("trainings", "Person-trainings", "培训人次", "people/month", lambda s: s.m.flows.trainings),
    *[_m(f"spend_by_item.{item}", f"Spending: {ITEM_EN[item]}", f"支出:{ITEM_ZH[item]}", "yuan/month",
         (lambda k: lambda s: float(s.m.flows.cost_by_item.get(k, 0.0)))(item))
      for item in COST_ITEMS],
    # cost bought that no line's money covered (arrears): sum of spend_by_item =
    # spend_total + funding_gap
    _m("funding_gap", "Cost no budget line paid (arrears)", "资金缺口(欠款)", "yuan/month",
       lambda s: funding.unfunded(s.m)),
    _m("budget_cuts", "Spending cut for want of money", "资金不足削减", "yuan/month",
       lambda s: float(sum(s.m.flows.cuts_by_item.values()))),
    *[_m(f"cuts_by_item.{item}", f"Cut: {ITEM_EN[item]}", f"削减:{ITEM_ZH[item]}", "yuan/month",
         (lambda k: lambda s: float(s.m.flows.cuts_by_item.get(k, 0.0)))(item))
      for item in COST_ITEMS],
    *[_m(f"budget_by_source.{src}", f"Budget: {SOURCE_EN[src]}", f"预算:{SOURCE_ZH[src]}",
         "yuan/month", (lambda k: lambda s: _budget(s, k))(i)) for i, src in enumerate(SOURCES)],
    _m("paid_hours_share", "Salaried hours paid for", "可支付工时比例", "share",
       lambda s: s.m.ledger.service_factor),
    _m("projects_running", "Social-organisation projects running", "在运行社会组织项目", "projects",
       lambda s: len(s.m.projects.end)),
    _m("project_beneficiaries", "Project beneficiaries (cumulative)", "项目受益人数(累计)", "people",
       lambda s: s.m.projects.beneficiaries),
    _m("grid_workers", "Grid workers", "网格员", "people",
       lambda s: int((s.alive & s.m.workers.view("grid_worker")).sum())),
    _m("grid_worker_qualified_share", "Grid workers qualified (certificate or degree)",
       "网格员持证或具社工专业学历比例", "share", _qualified_share("grid_worker")),
    *[_m(f"exam_registrations.{g}", f"Exam registrations: {REGISTRANT_EN[g]}",
         f"报考人数:{REGISTRANT_ZH[g]}", "people/month", _registrations(i))
      for i, g in enumerate(REGISTRANT_GROUPS)],
    _m("salary_index", "Salary index (first year = 1)", "薪酬指数(首年=1)", "1",
       lambda s: _share(s.m.salary[0], s.m.params.funding.salary_none)),
    *[_m(f"served_by_type.{t}", f"Served: {TYPE_EN[t]}", f"已服务:{TYPE_ZH[t]}", "hours/month",
         (lambda k: lambda s: float(s.flow("served")[:, k].sum()))(i))
      for i, t in enumerate(SERVICE_TYPES)],
    *[_m(f"need_by_type.{t}", f"New need: {TYPE_EN[t]}", f"新增需求:{TYPE_ZH[t]}", "hours/month",
         (lambda k: lambda s: float(s.flow("need")[:, k].sum()))(i))
      for i, t in enumerate(SERVICE_TYPES)],
    *[_m(f"backlog_by_type.{t}", f"Backlog: {TYPE_EN[t]}", f"积压需求:{TYPE_ZH[t]}", "hours",
         (lambda k: lambda s: float(s.m.service.backlog[k].sum()))(i))
      for i, t in enumerate(SERVICE_TYPES)],
    *[_m(f"need_hours.{g}", f"New need: {GROUP_EN[g]}", f"新增需求:{GROUP_ZH[g]}", "hours/month",
         _group_flow("need", i)) for i, g in enumerate(GROUPS)],
    *[_m(f"served_hours.{g}", f"Served: {GROUP_EN[g]}", f"已服务:{GROUP_ZH[g]}", "hours/month",
         _group_flow("served", i)) for i, g in enumerate(GROUPS)],
    *[_m(f"need_met_share.{g}", f"Need met: {GROUP_EN[g]}", f"需求满足率:{GROUP_ZH[g]}", "share",
         _group_met(i)) for i, g in enumerate(GROUPS)],
    *[_m(f"need_served_share.{g}", f"Need served: {GROUP_EN[g]}", f"需求服务率:{GROUP_ZH[g]}",
         "share", _group_served(i)) for i, g in enumerate(GROUPS)],
    *[_m(f"backlog_hours.{g}", f"Backlog: {GROUP_EN[g]}", f"积压需求:{GROUP_ZH[g]}", "hours",
         (lambda k: lambda s: float(s.m.service.backlog[:, :, k].sum()))(i)) for i, g in enumerate(GROUPS)],
    *[_m(f"mean_wait_months.{g}", f"Mean wait: {GROUP_EN[g]}", f"平均等待:{GROUP_ZH[g]}", "months",
         _group_wait(i)) for i, g in enumerate(GROUPS)],
    # workload-based staffing (WISN; simulation/processes/staffing.py), over the units
    # planned, being set up or open
    _m("required_staff", "Staff required (WISN)", "所需人员(WISN)", "FTE",
       _wisn(None, "required"), key=True),
    _m("staff_fte", "Staff in post", "在岗人员", "FTE", _wisn(None, "actual"), key=True),
    _m("wisn_ratio", "WISN ratio (staff / required)", "WISN比值(在岗/所需)", "ratio",
       _wisn(None, "ratio"), key=True),
    _m("staffing_gap_fte", "Staffing gap", "人员缺口", "FTE", _wisn(None, "gap")),
    *[_m(f"{name}.{g}", f"{en}: {STAFF_GROUP_EN[g]}", f"{zh}:{STAFF_GROUP_ZH[g]}", unit,
         _wisn(g, part))
      for g in STAFF_GROUPS
      for name, en, zh, unit, part in (
          ("required_staff", "Staff required", "所需人员", "FTE", "required"),
          ("staff_fte", "Staff in post", "在岗人员", "FTE", "actual"),
          ("wisn_ratio", "WISN ratio", "WISN比值", "ratio", "ratio"),
          ("staffing_gap_fte", "Staffing gap", "人员缺口", "FTE", "gap"))],
    *[_m(f"wisn_ratio_p{q}", f"WISN ratio of stations, {q}th percentile",
         f"社工站WISN比值第{q}百分位", "ratio", _station_ratio_percentile(q)) for q in (10, 50, 90)],
    _m("stations_no_certified_share", "Stations with no certified worker",
       "无持证社工的社工站比例", "share", _stations_without_certified),
    _m("stations_planned_share", "Stations planned (or further)", "已规划社工站比例", "share",
       _stations_at(S["planned"])),
    _m("stations_built_share", "Stations built (or further)", "已建成社工站比例", "share",
       _stations_at(S["built"])),
    _m("borrowed_workers", "Staff hired from neighbouring districts", "跨区聘用人员", "people",
       lambda s: int(((s.m.workers.view("unit") >= 0)
                      & (s.m.workers.view("pay_premium") > 0)).sum())),
    _m("rooms_hosted", "Village rooms staffed by station visits", "由社工站派驻的村社工室", "rooms",
       lambda s: int((s.m.staffing.hosted & s.operating).sum())),
]


def metric_names() -> list[str]:
    """Output columns, in order."""
    return [m.name for m in METRICS]


def key_metrics() -> list[str]:
    """The key metrics (declared ``key=True``), in registry order."""
    return [m.name for m in METRICS if m.key]


def collect(model: SocialWorkModel) -> dict[str, float]:
    """Every metric for the model's current month."""
    snap = Snapshot(model)
    return {m.name: m.compute(snap) for m in METRICS}


def _snapshot(model: SocialWorkModel) -> Snapshot:
    """The month's snapshot the model set while collecting, else a fresh one."""
    return model.snapshot if model.snapshot is not None else Snapshot(model)


def _report(metric: Metric, model: SocialWorkModel) -> float:
    return metric.compute(_snapshot(model))


def _step(model: SocialWorkModel) -> int:
    return int(model.steps)


def _date(model: SocialWorkModel) -> str:
    return model.date


def model_reporters() -> dict[str, Callable[[SocialWorkModel], float | int | str]]:
    """The ``mesa.DataCollector`` model reporters of the monthly table: ``step``, ``date``
    and every metric of :data:`METRICS`, in order (the columns of ``timeseries.csv`` after
    ``scenario`` and ``replicate``). Each takes the model; the month's reporters share one
    :class:`Snapshot` (``model.snapshot``, set by ``SocialWorkModel.record``)."""
    return {"step": _step, "date": _date,
            **{m.name: partial(_report, m) for m in METRICS}}


#: per-district shares for the page's territory view (``swsim app``): not output columns,
#: the city-wide metric of the same name computed for each district's units alone
DISTRICT_METRICS: dict[str, tuple[str, str]] = {
    "station_coverage": ("Station coverage", "社工站覆盖率"),
    "staffing_compliance": ("Staffing compliance", "人员配备达标率"),
}


def by_district(model: SocialWorkModel) -> dict[str, list[float]]:
    """Each :data:`DISTRICT_METRICS` share for every district (NaN where it has no units)."""
    snap = _snapshot(model)
    units = model.units
    n = model.params.territory.districts
    stations = np.isin(units.tier, [T["street_station"], T["town_station"]])
    staffed = snap.operating & (snap.professionals >= units.min_staff)

    def share(num: np.ndarray, den: np.ndarray) -> list[float]:
        top = np.bincount(units.district[num], minlength=n).astype(float)
        bottom = np.bincount(units.district[den], minlength=n).astype(float)
        shares: list[float] = np.divide(top, bottom, out=np.full(n, np.nan), where=bottom > 0).tolist()
        return shares

    return {"station_coverage": share(stations & snap.operating, stations),
            "staffing_compliance": share(staffed, snap.operating)}
