"""The example pipeline runs and shows what it claims."""

import importlib.util
from pathlib import Path

from longtrainer.testing import VirtualTimeLoop

EXAMPLE = Path(__file__).parent.parent / "examples" / "agent_pipeline.py"


def load_example():
    spec = importlib.util.spec_from_file_location("agent_pipeline", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_noisy_bot_gets_its_share_and_the_quiet_bots_are_unharmed():
    example = load_example()
    loop = VirtualTimeLoop()
    minutes = 4
    try:
        reports = loop.run_until_complete(example.run_fleet(minutes, loop.time))
    finally:
        loop.close()

    share = example.CONFIG.llm_rpm / 3  # acme has three bots
    scraper = reports["acme", "scraper"]
    assert share * 0.95 <= scraper.admitted / minutes <= share * 1.05
    assert min(scraper.waits) > 30  # its own queue, twenty agents deep

    for tenant, bot in [("acme", "support"), ("acme", "sales"), ("globex", "analyst")]:
        quiet = reports[tenant, bot]
        assert quiet.admitted > 0
        assert max(quiet.waits) < 5
