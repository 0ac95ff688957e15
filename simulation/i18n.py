"""swsim's words in English and Chinese: one catalogue for the report, the calibration
page, the web page (``swsim app``) and the command line.

Every text a reader sees in both languages is a key of :data:`TEXT` (en, zh), read with
:func:`tr`. Units have their own tables: :data:`UNIT_LABELS` (the metric registry's units
as an axis shows them) and :data:`PARAM_UNITS_ZH` (the scenario schema's parameter units).
Metric labels live with the metrics (:data:`simulation.outcomes.METRICS`, en and zh);
nothing else in the package holds Chinese text (tests/test_i18n.py checks it).
"""

from __future__ import annotations

__all__ = ["EN_BLANK", "LANGS", "PARAM_UNITS_ZH", "TEXT", "UNIT_LABELS", "tr"]

LANGS = ("en", "zh")

#: how each unit of the metric registry is written on an axis or in a table (money is
#: scaled: millions of yuan in English, 万元 in Chinese)
UNIT_LABELS: dict[str, tuple[str, str]] = {
    "share": ("%", "%"),
    "people": ("people", "人"),
    "people/month": ("people per month", "人/月"),
    "people/year": ("people per year", "人/年"),
    "hours/month": ("hours per month", "小时/月"),
    "hours": ("hours", "小时"),
    "months": ("months", "月"),
    "yuan/month": ("million yuan per month", "万元/月"),
    "yuan/hour": ("yuan per hour", "元/小时"),
    "projects": ("projects", "个"),
}
#: the scenario schema's parameter units in Chinese (values as the schema states them: yuan,
#: not 万元); tests/test_report.py checks that every unit of the schema is here
PARAM_UNITS_ZH: dict[str, str] = {
    "": "", "1": "1", "share": "比例", "probability": "概率", "weight": "权重", "factor": "倍数",
    "flag": "开关", "choice": "选项", "count": "个", "people": "人", "workers": "人",
    "groups": "人群,按优先顺序", "sources": "资金来源", "year": "年份", "years": "年", "months": "月",
    "month of year": "月份 1–12", "YYYY-MM": "年-月 YYYY-MM", "hours": "小时", "yuan": "元",
    "1/year": "1/年", "share/year": "比例/年", "probability/year": "概率/年",
    "people/year": "人/年", "hours/year": "小时/年", "hours/month": "小时/月",
    "hours/1000 people/month": "小时/千人/月", "yuan/year": "元/年", "yuan/month": "元/月",
    "yuan/hour": "元/小时", "share of population/year": "占人口比例/年", "share of salary": "占工资比例",
    "log-odds": "对数几率", "log-odds/failure": "对数几率/次落榜", "log-odds/10 years": "对数几率/10岁",
    "1/(month of reference wage)": "1/参考月工资月数", "person-trainings/year": "培训人次/年",
    "volunteers/worker": "志愿者/社工", "FTE/station": "全职人员/站", "rooms/FTE": "社工室/全职人员",
    "cases/station/year": "个案/站/年", "hours/station/year": "小时/站/年",
    "hours/worker/year": "小时/人/年", "projects/year": "个项目/年",
    "plan/hardware/staff months": "规划/场地/人员月数",
}

#: keys with nothing to say in English (the page shows them in Chinese only)
EN_BLANK = frozenset({"levers_english"})

TEXT: dict[str, tuple[str, str]] = {
    # the web page's lever groups (simulation/app/levers.py TITLES), one a schema section
    "lever_group_workforce": ("Workforce", "人才队伍"),
    "lever_group_exam": ("Exam", "职业水平考试"),
    "lever_group_training": ("Training", "培训"),
    "lever_group_network": ("Network", "三级网络"),
    "lever_group_funding": ("Funding", "资金"),
    "lever_group_service": ("Service", "服务"),
    "lever_group_need": ("Need", "居民需求"),
    "lever_group_staffing": ("Staffing", "人员配置"),
    "lever_group_duties": ("Duties", "履职"),
    "lever_group_projects": ("Projects", "社会组织项目"),
    "lever_group_territory": ("Territory", "区域"),
    # ---- the report (swsim report): header and sections
    # header and sections
    "title": ("swsim report: {scenario}", "swsim 报告:{scenario}"),
    "sweep_title": ("swsim sensitivity report: {scenario}", "swsim 敏感性分析报告:{scenario}"),
    "scenario": ("Scenario", "情景"), "region": ("Region", "地区"), "seed": ("Seed", "随机种子"),
    "replicates": ("Replicates", "重复次数"), "version": ("swsim version", "swsim 版本"),
    "date": ("Run date", "运行日期"), "commit": ("Git commit", "Git 提交"),
    "period": ("Period", "模拟期间"), "months_n": ("{n} months", "{n} 个月"), "method": ("Method", "方法"),
    "data_files": ("Data files", "数据文件"),
    "contents": ("Contents", "目录"),
    "sec_indicators": ("Indicators against targets", "目标指标完成情况"),
    "sec_final": ("Final month: key metrics", "期末关键指标"),
    "sec_plots": ("Projections", "预测结果"),
    "sec_compare": ("Scenario comparison", "情景比较"),
    "sec_sweep": ("Sensitivity analysis", "敏感性分析"),
    "sec_levers": ("Most influential levers", "影响最大的政策杠杆"),
    "sec_swept": ("Parameters swept", "扫描的参数"),
    "sec_discovery": ("Scenario discovery: which lever ranges reach the target",
                      "情景发现:哪些杠杆区间能实现目标"),
    "discovery_summary": ("Target {target}: {k} of {n} sample points meet it ({how}). PRIM's "
                          "chosen box covers {coverage:.0%} of them with density {density:.0%}.",
                          "目标 {target}:{n} 个样本点中有 {k} 个达到({how})。PRIM 选定的区间覆盖其中"
                          "{coverage:.0%},命中率 {density:.0%}。"),
    "discovery_none": ("Target {target}: {k} of {n} sample points meet it; no box was found.",
                       "目标 {target}:{n} 个样本点中有 {k} 个达到;未找到区间。"),
    "how_averaged": ("replicates averaged", "各次重复取平均后判断"),
    "how_per_run": ("per run", "逐次运行判断"),
    "box_range": ("range in the box", "区间内取值"),
    "sweep_range": ("range swept", "扫描范围"),
    "restricted": ("restricted", "受限"),
    "discovery_plot": ("PRIM peeling trajectory and the chosen box", "PRIM 剥离轨迹与选定区间"),
    "prim_title": ("Where {target} (PRIM on {points} points)", "{target} 的达成区域(PRIM,{points} 个样本点)"),
    "prim_trajectory": ("PRIM peeling trajectory", "PRIM 剥离轨迹"),
    "prim_coverage": ("coverage (share of target-meeting points inside)",
                      "覆盖率(达标样本点落在区间内的比例)"),
    "prim_density": ("density (share of points inside meeting the target)",
                     "命中率(区间内样本点达标的比例)"),
    "prim_restricted": ("levers restricted", "受限杠杆数"),
    "prim_chosen": ("chosen box {box}", "选定区间 {box}"),
    "prim_box": ("Chosen box (red: restricted lever)", "选定区间(红色:受限杠杆)"),
    "prim_position": ("position within the sweep's range (0 = low, 1 = high)",
                      "在扫描范围内的位置(0 为下限,1 为上限)"),
    "sec_runs": ("Sweep runs", "扫描运行情况"),
    "sec_appendix": ("Appendix: assumptions and parameters", "附录:假设与参数"),
    "generated": ("Generated by swsim report on {date}.", "由 swsim report 于 {date} 生成。"),
    "how_to_read": ("Lines are medians across {n} replicate(s); the darker band holds the middle 50% "
                    "of replicates, the lighter one the middle 90%.",
                    "实线为 {n} 次重复模拟的中位数;深色带为中间 50% 的结果,浅色带为中间 90% 的结果。"),
    "images_note": ("Plots are embedded in this file; full-size copies are in plots/ next to it.",
                    "图表已嵌入本文件;原尺寸图片位于同目录的 plots/ 文件夹。"),
    # plot titles
    "coverage": ("Station and room coverage", "社工站与社工室覆盖率"),
    "coverage_y": ("Units operating (%)", "运营中的站点比例(%)"),
    "workforce": ("Workforce by certification level", "按证书等级划分的社工人才"),
    "workforce_note": ("stacked medians by certificate level, uncertified workers on top; line: "
                       "whole workforce", "按证书等级堆叠的中位数,最上层为未持证人员;折线为人才总量"),
    "uncertified": ("Uncertified", "未持证"),
    "cw_note": ("Lines are medians across {n} replicate(s); bands hold the middle 50% and 90%. The "
                "share rises in a yearly sawtooth: it jumps in {month} each year, when the year's "
                "certificates take effect ({delay} months after the exam), then declines until the "
                "next as certified workers leave and uncertified ones join. A target counts as met "
                "from the month after which it stays met (the targets table shows both months).",
                "实线为 {n} 次重复模拟的中位数;色带为中间 50% 与 90% 的结果。持证比例呈逐年锯齿形:"
                "每年 {month} 证书生效(考试后 {delay} 个月)时跃升,此后随持证人员流失、未持证人员"
                "加入而回落,直到下一年。目标以“此后持续达标”的起始月份为达标时间(目标表同时列出首次"
                "达到月份)。"),
    "cw": ("Community workers qualified and certified", "社区工作者持证或具专业学历比例"),
    "with_target": ("{title}: the target for {date}", "{title}与{date}目标"),
    "with_target_end": ("{title}: the target", "{title}与目标"),
    "exams": ("Exam registrations and certificates granted per year", "每年报考人数与取证人数"),
    "exams_note": ("complete calendar years; bars: median, whiskers: 5th–95th percentile",
                   "仅含完整年度;柱为中位数,误差线为第5至95百分位"),
    "volunteers": ("Volunteers", "志愿者"), "volunteer_hours": ("Volunteer service hours", "志愿服务时长"),
    "service": ("Need and service", "服务需求与供给"), "backlog": ("Backlog of unmet need", "积压需求"),
    "waits": ("Mean wait by resident group", "各类居民平均等待时间"),
    "spending": ("Spending by source", "按来源划分的支出"),
    "cost_hour": ("Cost per service hour", "每服务小时成本"),
    "compliance": ("Staffing and duties compliance", "人员配备与履职达标率"),
    "compliance_y": ("Operating units compliant (%)", "达标站点比例(%)"),
    "month": ("Month", "月份"), "year": ("Year", "年份"),
    "median": ("median", "中位数"), "band50": ("50% band", "50%区间"), "band90": ("90% band", "90%区间"),
    "compare_title": ("{metric}: scenarios compared", "{metric}:情景比较"),
    "compare_note": ("Final values are medians across replicates at each scenario's last month; "
                     "differences are from the first scenario.",
                     "期末值为各情景最后一个月的重复模拟中位数;差值相对于第一个情景。"),
    # sensitivity
    "sobol": ("Sensitivity indices S1 and ST: {output}", "敏感性指数 S1 与 ST:{output}"),
    "spearman": ("Rank correlation with {output}", "与{output}的秩相关"),
    "spearman_x": ("Spearman's ρ (whiskers: 95% confidence interval)",
                   "Spearman 秩相关系数 ρ(误差线为95%置信区间)"),
    "spearman_note": ("Latin-hypercube sweep: Spearman rank correlation of each parameter with the output.",
                      "拉丁超立方抽样:各参数与输出的 Spearman 秩相关系数。"),
    "experiment": ("Experiment", "实验"), "samples": ("Samples", "样本数"),
    "runs_ok": ("Runs", "运行次数"), "runs_ok_value": ("{ok} ok, {failed} failed", "成功 {ok},失败 {failed}"),
    "notes": ("Notes from the analysis", "分析说明"),
    "sobol_x": ("index value (bars: estimate, whiskers: confidence interval)",
                "指数值(柱为估计值,误差线为置信区间)"),
    "s1": ("first order (S1)", "一阶效应 (S1)"), "st": ("total effect (ST)", "总效应 (ST)"),
    "morris": ("Morris screening: {output}", "Morris 筛选:{output}"),
    "mu_star": ("μ* (mean absolute effect, {unit})", "μ*(平均绝对效应,{unit})"),
    "sigma": ("σ (spread of effects, {unit})", "σ(效应离散度,{unit})"),
    "sigma_eq": ("σ = μ*", "σ = μ*"),
    "levers_note": ("Ranked by total effect ST (Sobol/FAST), μ* (Morris) or |ρ| (Latin hypercube); "
                    "top {k} per output.",
                    "按总效应 ST(Sobol/FAST)、μ*(Morris)或 |ρ|(拉丁超立方)排序;每个输出列前 {k} 个。"),
    "compare_plot_note": ("Lines are medians across replicates; bands hold the middle 50% of replicates.",
                          "实线为重复模拟的中位数;色带为中间 50% 的结果。"),
    "sobol_note": ("S1: share of the output's variance due to the parameter alone; ST: including its "
                   "interactions. Whiskers: confidence intervals from bootstrap.",
                   "S1:该参数单独解释的输出方差比例;ST:含交互作用的总效应。误差线为自助法置信区间。"),
    "morris_note": ("μ*: mean absolute effect of moving the parameter across its range (whiskers: "
                    "confidence interval); σ: how much that effect varies — points above the dashed "
                    "line act non-linearly or through interactions.",
                    "μ*:参数在取值范围内变动的平均绝对效应(误差线为置信区间);σ:效应的离散程度,"
                    "位于虚线上方的参数呈非线性或存在交互作用。"),
    "runs_status": ("{n} runs; status: {status}.", "共 {n} 次运行;状态:{status}。"),
    "no_sensitivity": ("This sweep folder has no sensitivity.csv.", "该扫描文件夹没有 sensitivity.csv。"),
    "no_indices": ("No sensitivity indices could be computed: {notes}.",
                   "未能计算敏感性指数:{notes}。"),
    # table headers
    "indicator": ("Indicator", "指标"), "target": ("Target", "目标"), "deadline": ("Deadline", "期限"),
    "at_deadline": ("Median at deadline", "期限时中位数"), "final": ("Median, final month", "期末中位数"),
    "status": ("Status", "状态"), "first_met": ("First month reached", "首次达到月份"),
    "met_since": ("Met from (and kept to the end)", "稳定达标起始月份(此后持续达标)"),
    "metric": ("Metric", "指标"), "unit": ("Unit", "单位"), "p5_p95": ("5th–95th percentile", "第5–95百分位"),
    "difference": ("Δ vs {first}", "相对{first}的差值"),
    "output": ("Output", "输出"), "rank": ("Rank", "排名"), "parameter": ("Parameter", "参数"),
    "index": ("Index", "指数"), "value": ("Value", "取值"), "conf": ("± confidence", "± 置信区间"),
    "range": ("Range sampled", "抽样范围"), "source": ("Source", "来源"),
    "description": ("Description", "说明"), "error": ("Error", "错误"),
    "assumption": ("assumption", "假设"),
    "appendix_note": ("{n} of {total} parameters rest on a stated assumption rather than a source "
                      "document; descriptions are in English as in the scenario schema.",
                      "共 {total} 个参数,其中 {n} 个基于假设而非来源文件;参数名(情景文件中的键)、说明与来源"
                      "沿用情景定义中的英文,单位已译为中文。"),
    # indicator statuses and notes (the targets themselves come from the scenario)
    "met": ("met", "已达标"), "not_met": ("not met", "未达标"),
    "no_data": ("no such metric in these results", "结果中没有该指标"),
    "target_name": ("Indicator", "目标名称"),
    "every_month": ("every month (judged at the end)", "每月(以期末判断)"),
    "no_targets": ("This scenario declares no policy targets (a targets: section in its scenario "
                   "file), so none is judged.",
                   "该情景未设定政策目标(情景文件中的 targets: 部分),因此不作目标评估。"),
    "targets_note": ("Targets are the scenario's own (its targets: section, as saved in the run's "
                     "scenario.yaml), judged on the median across replicates. \"Met from\" is the "
                     "first month after which the median stays met to the end of the run; \"first "
                     "month reached\" may come earlier when the median fell back below the target "
                     "after it (\"not kept\": it does not hold in the last month).",
                     "目标取自该情景(运行结果 scenario.yaml 中的 targets: 部分),以各次重复的中位数判断。"
                     "“稳定达标起始月份”指此后直至模拟结束中位数一直达标的第一个月;若中位数达到目标后又回落,"
                     "“首次达到月份”会更早(“未能保持”表示最后一个月仍未达标)。"),
    "target_line": ("target: {value} by {date}", "目标:{date}前达到{value}"),
    "target_line_end": ("target: {value}", "目标:{value}"),
    "after_run": ("after the run (it ends {end})", "期限在模拟结束({end})之后,未评估"),
    "never": ("never", "从未"), "lapsed": ("not kept", "未能保持"), "median_h": ("Median", "中位数"),
    "no_cjk_font": ("no Chinese font found (install mplfonts or Noto Sans CJK SC); plot labels fall back "
                    "to English", "未找到中文字体;图表标签改用英文"),
    "points": ("percentage points", "百分点"), "points_short": ("pp", "个百分点"),
    "month_of_year": ("{name}", "{n}月"),
    # ---- the calibration page (swsim report on a calibration folder)
    "cal_title": ("swsim calibration report: {name}", "swsim 校准报告:{name}"),
    "calibration": ("Calibration", "校准"),
    "trials": ("Trials", "试验次数"), "trials_value": ("{n} ({failed} failed)", "{n}(失败 {failed})"),
    "cal_date": ("Finished", "完成时间"),
    "sec_errors": ("Errors", "误差"), "sec_fit": ("Fit: observed and simulated", "拟合:观测与模拟"),
    "sec_params": ("Fitted parameters", "拟合参数"), "sec_trials": ("Trial history", "试验历程"),
    "errors_note": ("Mean absolute percentage error of the simulated mean (of {reps} runs at the "
                    "best values), weighted by each target's weight: in-sample targets were fitted, "
                    "held-out targets (from {holdout}) were not and test the fit.",
                    "最佳参数下 {reps} 次模拟均值的平均绝对百分比误差(按目标权重加权):样本内目标参与拟合,"
                    "保留目标({holdout} 起)未参与拟合,用于检验。"),
    "targets_n": ("Targets", "目标数"),
    "in_sample": ("In-sample MAPE", "样本内 MAPE"), "held_out": ("Held-out MAPE", "保留样本 MAPE"),
    "none_held": ("none held out", "无保留目标"),
    "fit_caption": ("Observed (points) and simulated (line, 5th–95th percentile band) values of "
                    "each target; the dashed line marks where held-out targets begin.",
                    "各目标的观测值(点)与模拟值(线,色带为第5–95百分位);虚线之后为保留目标。"),
    "when": ("Month / year", "月份/年份"), "set": ("Set", "类别"),
    "observed": ("Observed", "观测值"), "simulated": ("Simulated mean", "模拟均值"),
    "abs_pct": ("Abs. error %", "绝对误差 %"),
    "weight": ("Weight", "权重"),
    "best": ("Fitted value", "拟合值"), "cal_range": ("Range searched", "搜索范围"),
    "at_edge": ("at the edge of its range: widen it", "位于搜索范围边缘:应扩大范围"),
    "trials_title": ("Loss by trial", "各次试验的损失"), "trial": ("Trial", "试验"),
    "loss": ("Loss (weighted MAPE, %)", "损失(加权 MAPE,%)"), "best_so_far": ("best so far", "当前最优"),
    "trials_caption": ("Each point is one trial's in-sample loss; the line is the best loss so far. "
                       "A line still falling at the end means more trials may fit better.",
                       "每个点为一次试验的样本内损失;折线为截至当时的最优损失。若末尾仍在下降,增加试验次数可能得到更好的拟合。"),
    "set_in-sample": ("in-sample", "样本内"), "set_held-out": ("held-out", "保留"),
    "cal_footer": ("Generated by swsim report.", "由 swsim report 生成。"),
    # ---- the web page (swsim app)
    "page_title": ("swsim: social-work system projections", "swsim:社会工作服务体系预测"),
    "language": ("中文", "English"),
    "choose": ("1. Scenario", "1. 情景"),
    "shipped": ("Shipped scenario", "内置情景"),
    "upload": ("…or drop a scenario file (YAML) here", "……或将情景文件(YAML)拖放到此处"),
    "uploaded": ("Uploaded: {name}", "已上传:{name}"),
    "levers": ("3. Levers", "3. 政策杠杆"),
    "group": ("Group", "分组"),
    "changed": ("{n} changed", "已修改 {n} 项"),
    "reset": ("reset", "还原"),
    "reset_all": ("Reset all levers", "全部还原"),
    "bounds": ("bounds", "范围"),
    "source_of": ("source", "来源"),
    "run": ("2. Run", "2. 运行"),
    "start": ("Run", "运行"),
    "cancel": ("Cancel", "取消"),
    "running": ("Running {label}: replicate {done} of {total}", "正在运行 {label}:第 {done}/{total} 次重复"),
    "finished": ("Finished {label} in {seconds:.1f} s; results in {folder}",
                 "{label} 已完成,用时 {seconds:.1f} 秒;结果位于 {folder}"),
    "cancelled": ("Run cancelled.", "运行已取消。"),
    "see": ("4. Projection", "4. 预测"),
    "drawing": ("Drawing the charts…", "正在绘制图表……"),
    "no_run": ("Run the scenario to see its projection.", "运行情景后在此查看预测结果。"),
    "base": ("{name} (base)", "{name}(基准)"),
    "targets": ("Targets", "目标"),
    "reached": ("Reached", "是否达成"), "kept": ("Kept", "是否保持"),
    "yes": ("yes", "是"), "no": ("no", "否"),
    "territory": ("Districts", "各区"),
    "district": ("District {n}", "第{n}区"),
    "map_metric": ("Colour by", "着色指标"),
    "month_of": ("Month: {date}", "月份:{date}"),
    "nodata": ("no units", "无站点"),
    "compare": ("5. Compare (up to four runs)", "5. 比较(最多四次运行)"),
    "compare_few": ("Two runs or more are compared here; the page keeps the last four.",
                    "两次及以上运行将在此比较;页面保留最近四次运行。"),
    "remove": ("remove", "移除"),
    "save": ("6. Save and hand on", "6. 保存与分享"),
    "dl_scenario": ("Edited scenario (YAML)", "修改后的情景(YAML)"),
    "dl_results": ("Results folder (zip)", "结果文件夹(zip)"),
    "dl_report": ("HTML report", "HTML 报告"),
    "scenario_note": ("Only the changes, with extends: its parent; run it with swsim run FILE.",
                      "仅包含修改项,并以 extends: 指向原情景;可用 swsim run 文件名 运行。"),
    "levers_english": ("", "参数名(情景文件中的键)、说明与来源沿用情景定义中的英文;单位、分组、居民类别、"
                           "服务类型与资金来源已译为中文。"),
}


def tr(key: str, lang: str, **fields: object) -> str:
    """The text ``key`` in ``lang`` ("en" or "zh"), with ``fields`` filled in."""
    text = TEXT[key][LANGS.index(lang)]
    return text.format(**fields) if fields else text
