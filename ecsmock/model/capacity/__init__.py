"""Capacity: container instances, capacity providers and task placement on them.

- `instance`: one container instance, its resources and the tasks placed on it, and EC2's
  instance types (`data/instance_types.tsv`, written by `data/make_instance_types.py`);
  `instance_ops`: register, list, drain and deregister; `agent`: UpdateContainerAgent's
  steps; `attributes`: custom attributes.
- `placement_rules`: strategies and constraints as requests give them; `placement`: which
  instance takes each task, or why none can; `launch_routing`: where a launch goes (Fargate
  subnets, or EC2 instances through placement).
- `query` and `query_values`: ECS's cluster query language.
- `provider`: capacity providers and their rules; `provider_ops`: their operations and the
  lifecycle of Auto Scaling group providers.
- Amazon ECS Managed Instances: `managed` (provider settings, instance types and the one
  lookup of the type table), `managed_provider` (create, update, delete, lifecycle),
  `managed_fleet` (the instances ECS launches and retires: boot, idle scale-in, auto
  repair, day-14 drain) and `managed_placement` (which instance takes a task, or which
  type to launch).

May use: the `tasks` entities (a task placed on an instance, its needs, the lifecycle that
holds a task while its Managed Instance boots), `clusters`, the
top-level model modules, `ecsmock.clock`, `ecsmock.errors` and `ecsmock._ids`. Never
`services` except a service's status where a provider's deletion depends on it; never
`ecsmock.api` or the seam.
"""
