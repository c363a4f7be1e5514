"""`repquest record` (skeleton; filled by its issue)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("repquest record: not implemented yet")
    return 1
