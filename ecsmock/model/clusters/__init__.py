"""Clusters and account settings.

- `cluster`: the cluster entity: status, capacity-provider associations, settings,
  attachments and counters; `ops`: create, update, put capacity providers, delete;
  `attachments`: the scaling-policy and managed-draining attachments of Auto Scaling group
  capacity providers, completed on the clock.
- `account_settings`: AWS defaults, account defaults and per-principal overrides.

May use: `ecsmock.clock`, `ecsmock.errors` and the top-level `tags` and `retention`. The
entity imports nothing of the other model packages (every other resource lives in a
cluster, not the other way round); `ops` asks the backend about providers, tasks and
services when a change depends on them.
"""
