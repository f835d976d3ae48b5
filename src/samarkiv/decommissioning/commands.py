"""Subcommands of this domain, added to ``samarkiv`` by samarkiv.cli (PLUGIN_COMMANDS)."""

from __future__ import annotations

import argparse


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """None yet."""
