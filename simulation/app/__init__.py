"""``swsim app``: a local web page (Solara) for planners.

Pick a shipped scenario or upload one, move the levers the schema declares, run
replicates in a worker process, see fan charts, targets and a district map, compare
up to four runs and download the edited scenario, the results folder and the report.
The page holds no model logic: it calls the loader (:mod:`.levers`), the runner
(:mod:`.jobs`) and the report's plotting code (:mod:`.views`), as the CLI does.
"""

__all__: list[str] = []
