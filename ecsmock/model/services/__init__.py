"""Services: their revisions, deployments, scheduler and task sets.

- `service`: the service entity, deployments, revisions and ECS's texts;
  `rules`: the checks CreateService and UpdateService make; `ops`: the service operations
  of one backend; `deployments`: deployments started, completed, failed and rolled back
  (the circuit breaker).
- `scheduler`: the passes that keep a service at its desired count and roll deployments;
  `rolling`: the rolling-update arithmetic of a pass; `placement`: where a service's new
  tasks go (Fargate subnets or container instances).
- `stages`: BLUE_GREEN, LINEAR and CANARY deployments as data (lifecycle stages, hooks,
  traffic steps); `strategies`: their stages on the clock; `hooks`: their PAUSE and
  AWS_LAMBDA lifecycle hooks; `strategy_rules`: the checks on their settings.
- `task_set`: the task-set entity; `task_set_ops`: task-set operations and their passes.
- Daemons (Amazon ECS Managed Daemons): `daemon_definitions` (daemon task definitions),
  `daemon` (daemons, revisions, deployments and their rules), `daemon_ops` (the daemon
  operations) and `daemon_rollout` (daemon tasks on Managed Instances; deployments
  rolling on the clock, with the circuit breaker).
- `protection`: task scale-in protection (UpdateTaskProtection, GetTaskProtection) and its
  expiry on the clock; `rolling` spares protected tasks.

May use: `tasks`, `capacity` and `clusters`, the top-level model modules, `ecsmock.clock`,
`ecsmock.errors` and `ecsmock._ids`. Never `ecsmock.api` or the seam.
"""
