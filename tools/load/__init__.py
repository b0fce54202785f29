"""A stepped-load locust test of a Lianfang site: `python -m tools.load --host URL`."""
