import os

from hypothesis import HealthCheck, settings

# Every guarantee runs at least 200 examples; LONGTRAINER_EXAMPLES raises it.
settings.register_profile(
    "default",
    max_examples=int(os.environ.get("LONGTRAINER_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")
