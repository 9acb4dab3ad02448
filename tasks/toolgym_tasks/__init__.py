"""ToolGym's shipped task data: curated task sets and procedural generators, one subpackage per env family.

Each subpackage exposes loaders that return :class:`toolgym.tasks.TaskSet` objects (or task
records) validated against ``toolgym/tasks/task.schema.json``; the data files live next to the
code and are installed with the package.
"""
