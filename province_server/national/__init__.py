"""The national portal connector (DVCQG through the province's integration gateway, issue 14
item 1): config, HTTP client, mapping tables, outbox service and the worker loop."""
