"""Targets: each renders the language-neutral model (generator/model/) as one kind of project.

A target is a package here; the model never imports it, so adding one is adding a folder. What the pipeline
(generator/pipeline.py) calls of a target, as the Python one (generator/targets/python/) offers it:

- `project.render_project(api, formatted, progress, verify) -> Rendered`: every file of the project as
  {POSIX path relative to the output folder: text}, plus the format keys of the files it formatted (a cache
  the manifest keeps so that the next run need not format them again; a target without a formatter returns
  none);
- `repository.repository_files(api, spec, overlaid) -> {path: text}`: the files around the code (CI, scripts,
  the spec the mock server serves).

A target spells the model's type tree (generator/model/types.py) in its own language and decides how each of
its modules writes the names of the models it uses; the model's names (`Model.name`, unique in the API) are
the keys it spells from.
"""
