"""ecsmock imported a second time, after something dropped it from `sys.modules`.

Some test tools (pytester's in-process runs, module reloaders) remove a package and its
submodules from `sys.modules`; the next import then runs ecsmock's modules afresh. That
import must take over from the first: one finder on `sys.meta_path`, one set of hooks in
botocore, and the new mocks answering (clients, waiters on the simulated clock). Each
case runs in a fresh interpreter, where the import order is under the test's control.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import ecsmock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(ecsmock.__file__)))

PRELUDE = """
import json, sys

def drop_ecsmock():
    for name in [m for m in sys.modules if m == "ecsmock" or m.startswith("ecsmock.")]:
        del sys.modules[name]

def finders():
    return sum(1 for f in sys.meta_path if type(f).__module__ == "ecsmock._finder")

def hooks():
    import botocore.handlers
    return sorted(
        entry[0] for entry in botocore.handlers.BUILTIN_HANDLERS
        if getattr(entry[1], "__module__", None) == "ecsmock._patch"
    )

def use():
    import boto3
    with ecsmock.mock_ecs() as ecs:
        client = boto3.client("ecs", region_name="eu-west-1")
        client.create_cluster(clusterName="again")
        arns = client.list_clusters()["clusterArns"]
        client.register_task_definition(
            family="web", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}]
        )
        ecs.add_container_instances(cluster="again", count=1)
        arn = client.run_task(cluster="again", taskDefinition="web")["tasks"][0]["taskArn"]
        before = ecs.now()
        client.get_waiter("tasks_running").wait(cluster="again", tasks=[arn])
        return arns, (ecs.now() - before).total_seconds()
"""

BEFORE_BOTOCORE = """
import ecsmock
drop_ecsmock()
import ecsmock
drop_ecsmock()
import ecsmock
import botocore.session
arns, waited = use()
print(json.dumps({"finders": finders(), "hooks": hooks(), "arns": arns, "waited": waited}))
"""

AFTER_BOTOCORE = """
import boto3
import ecsmock
old_session = boto3.client("ecs", region_name="eu-west-1") and boto3.DEFAULT_SESSION
drop_ecsmock()
import ecsmock
from ecsmock import _patch
arns, waited = use()
print(json.dumps({
    "finders": finders(), "hooks": hooks(), "arns": arns, "waited": waited,
    "old_session_kept": boto3.DEFAULT_SESSION is old_session,
}))
"""

HOOKS = ["before-call", "before-parameter-build.ecs", "creating-client-class.ecs"]
HOOKS = sorted([*HOOKS, "ecsmock-probe"])


def run(script: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": ROOT}
    out = subprocess.run(
        [sys.executable, "-c", PRELUDE + script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    found: dict[str, object] = json.loads(out.stdout)
    return found


def test_reimported_before_botocore_then_botocore_imports_and_the_mock_answers() -> None:
    # Before the fix: the two finders asked each other, RecursionError at `import botocore`.
    found = run(BEFORE_BOTOCORE)
    assert found == {
        "finders": 1,
        "hooks": HOOKS,
        "arns": ["arn:aws:ecs:eu-west-1:123456789012:cluster/again"],
        "waited": 12.0,  # two polls of 6 s, on the simulated clock
    }


def test_reimported_after_botocore_replaces_the_hooks_and_waiters_stay_simulated() -> None:
    found = run(AFTER_BOTOCORE)
    assert found == {
        "finders": 1,
        "hooks": HOOKS,
        "arns": ["arn:aws:ecs:eu-west-1:123456789012:cluster/again"],
        "waited": 12.0,  # two polls of 6 s, on the simulated clock
        # made with the first import's hooks: dropped, as a session made before the import
        "old_session_kept": False,
    }
