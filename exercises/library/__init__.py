"""The built-in exercise library: one YAML file per exercise, shipped as package data.

Loaded by :func:`exercises.load_library`; the format is described in ``docs/exercise-format.md``.
"""
