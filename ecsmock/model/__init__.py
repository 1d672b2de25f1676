"""The pure model of ECS: resources, lifecycles and schedulers, in snake_case.

Nothing here imports botocore or speaks camelCase; the `api` package translates. Nothing
here imports `ecsmock.api`, the seam (`_patch`, `_wire`), the face (`_mock`) or the pytest
plugin (tests/model/test_layering.py checks it).

- `tasks/`: task definitions, tasks and containers, the lifecycle, RunTask/StartTask.
- `services/`: services, deployments, the scheduler, task sets.
- `capacity/`: container instances, the agent, attributes, placement, capacity providers,
  the cluster query language.
- `clusters/`: clusters and account settings.
- Here: `world` (one mock's clock, ids and backends), `backend` (the state of one account
  and region), `timing`, `behaviour` (scripted containers and faults), `tags` and
  `retention`.
"""
