"""The page's own words in English and Chinese (metric labels come from the registry,
report words from :mod:`simulation.report.i18n`)."""

from __future__ import annotations

from ..outcomes import GROUP_ZH, SOURCE_ZH, TYPE_ZH
from ..report.i18n import LANGS, TEXT, param_unit

__all__ = ["lever_label", "t"]

#: lever path segments the metric registry names in Chinese: resident groups, service types
#: (the need rates of each group), funding lines
_SEGMENTS_ZH = {**GROUP_ZH, **TYPE_ZH, **SOURCE_ZH}

_PAGE: dict[str, tuple[str, str]] = {
    "title": ("swsim: social-work system projections", "swsim:社会工作服务体系预测"),
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


def lever_label(path: str, unit: str, lang: str) -> str:
    """A lever's label: the last key of its path in words, and its unit ("registration
    growth (1/year)"). In Chinese the unit is Chinese, and so are the resident groups,
    service types and funding lines of the path the registry names ("老年人 · 个案工作");
    other keys stay as the scenario file writes them."""
    parts = path.split(".")
    if lang != "zh":
        leaf = parts[-1].replace("_", " ")
        return f"{leaf} ({unit})" if unit else leaf
    words = [_SEGMENTS_ZH[p] for p in parts[:-1] if p in _SEGMENTS_ZH]
    words.append(_SEGMENTS_ZH.get(parts[-1], parts[-1].replace("_", " ")))
    label = " · ".join(words)
    return f"{label}({param_unit(unit, lang)})" if unit else label


def t(key: str, lang: str, **fields: object) -> str:
    """The page text ``key`` (or, failing that, the report's) in ``lang``."""
    pair = _PAGE.get(key) or TEXT[key]
    text = pair[LANGS.index(lang)]
    return text.format(**fields) if fields else text
