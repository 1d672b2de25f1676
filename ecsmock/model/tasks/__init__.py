"""Tasks and task definitions: what runs, and how it moves through its lifecycle.

- `definitions`: task-definition families, revisions and reference resolution;
  `definition_rules`: the checks RegisterTaskDefinition makes.
- `task`: the task and container entities, statuses, stop codes and the lifecycle paths as
  data; `store`: the task store with the indexes ListTasks reads.
- `launch`: RunTask/StartTask requests (ECS's order of checks, launch types, the
  capacity-provider split); `ops`: the task operations of one backend; `volumes`: the
  Amazon EBS volumes configured at launch (`volumeConfigurations`) and their checks.
- `lifecycle`: the engine that walks a task through its statuses on the clock;
  `container_rules`: container start order, health checks, shutdown order;
  `needs`: what a task asks of a container instance.
- `outside`: the hook through which a task's start and stop reach the services around
  ECS (EC2, CloudWatch Logs, Secrets Manager, ECR); by default it does nothing.

May use: `ecsmock.clock`, `ecsmock.errors`, `ecsmock._ids`, the top-level model modules
(timing, behaviour, tags, retention), and the entities of `capacity` (container instances,
placement rules) and `clusters`. Never `services` (the scheduler is told of task changes
through observers), never `ecsmock.api` or the seam.
"""
