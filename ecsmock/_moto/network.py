"""Task ENIs in moto's EC2: subnets and security groups checked, ENIs made and deleted.

An awsvpc task's ENI is made in its subnet when it attaches (the task goes PENDING), under
the id the task reports, with the request's security groups (the VPC's default group when
none is given, as EC2 does) and a public IP when `assignPublicIp` is ENABLED; its private
IP is an address of the subnet, and the task reports it. The ENI is deleted when the task
is STOPPED. Addresses are derived from the ENI id, so the same seed gives the same ones.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import TYPE_CHECKING, Any

from ecsmock._moto import backend
from ecsmock.errors import InvalidParameterException

if TYPE_CHECKING:
    from ecsmock.model.tasks.launch import Network
    from ecsmock.model.tasks.task import Eni

# RunTask/CreateService with a subnet EC2 does not hold (eddmann/serverless-fargate#20,
# CreateService through CloudFormation) [O]; the bracketed list is the request's subnets [I].
SUBNET_NOT_FOUND = (
    "Error retrieving subnet information for [{given}]: The subnet ID '{missing}' does not "
    "exist (ErrorCode: InvalidSubnetID.NotFound)"
)
# The same for security groups: "Error retrieving security group information for
# [sg-...]: <EC2 message> (ErrorCode: <code>)" (aws-solutions/distributed-load-testing-on-
# aws#41, RunTask) [O], with EC2's own text for a group it lacks (deis/deis#129) [O].
GROUP_NOT_FOUND = (
    "Error retrieving security group information for [{given}]: The security group "
    "'{missing}' does not exist (ErrorCode: InvalidGroup.NotFound)"
)
# AWS keeps the first four addresses of a subnet and its last one.
RESERVED_LOW, RESERVED_HIGH = 4, 1


def _subnet(ec2: Any, subnet_id: str) -> Any:
    for in_zone in ec2.subnets.values():
        found = in_zone.get(subnet_id)
        if found is not None:
            return found
    return None


def check(account: str, region: str, network: Network) -> None:
    """Refuse subnets and security groups moto's EC2 does not hold, as ECS does.

    Raises:
        InvalidParameterException: the first subnet missing, else the first group missing.
    """
    ec2 = backend("ec2", account, region)
    if ec2 is None:
        return
    for subnet_id in network.subnets:
        if _subnet(ec2, subnet_id) is None:
            given = ", ".join(network.subnets)
            raise InvalidParameterException(SUBNET_NOT_FOUND.format(given=given, missing=subnet_id))
    for group_id in network.security_groups:
        if ec2.get_security_group_from_id(group_id) is None:
            given = ", ".join(network.security_groups)
            raise InvalidParameterException(GROUP_NOT_FOUND.format(given=given, missing=group_id))


def zone(account: str, region: str, subnet_id: str) -> str | None:
    """The availability zone of a subnet moto holds, else None."""
    ec2 = backend("ec2", account, region)
    found = _subnet(ec2, subnet_id) if ec2 is not None else None
    return None if found is None else str(found.availability_zone)


def create_eni(account: str, region: str, eni: Eni) -> None:
    """Make the task's ENI in its subnet (nothing when moto holds no such subnet).

    The ENI's private IP, chosen in the subnet, becomes the task's.
    """
    ec2 = backend("ec2", account, region)
    subnet = _subnet(ec2, eni.subnet_id) if ec2 is not None else None
    if subnet is None or eni.eni_id is None:
        return
    digest = hashlib.sha256(eni.eni_id.encode()).digest()
    address = _free_address(ec2, subnet, int.from_bytes(digest[:8], "big"))
    groups = [g for g in eni.security_groups if ec2.get_security_group_from_id(g) is not None]
    made = ec2.create_network_interface(
        subnet,
        address,
        group_ids=groups or None,
        description=f"arn:aws:ecs:{region}:{account}:attachment/{eni.attachment_id}",
    )
    ec2.enis.pop(made.id, None)
    made.id = eni.eni_id
    ec2.enis[made.id] = made
    eni.private_ip = address
    eni.private_dns = f"ip-{address.replace('.', '-')}.{region}.compute.internal"
    made.mac_address = eni.mac
    made.private_dns_name = eni.private_dns
    for item in made.private_ip_addresses:
        item["PrivateDnsName"] = eni.private_dns
    made.status = "in-use"
    made.requester_managed = True
    if eni.public_ip:
        made.public_ip = f"54.{digest[8] % 64 + 144}.{digest[9]}.{digest[10] % 254 + 1}"


def _free_address(ec2: Any, subnet: Any, seed: int) -> str:
    """An address of the subnet no ENI of it has, starting from `seed`."""
    network = ipaddress.ip_network(subnet.cidr_block)
    usable = max(1, network.num_addresses - RESERVED_LOW - RESERVED_HIGH)
    taken = {e.private_ip_address for e in ec2.enis.values() if e.subnet is subnet}
    first = seed % usable
    for step in range(min(usable, len(taken) + 1)):
        candidate = str(network.network_address + RESERVED_LOW + (first + step) % usable)
        if candidate not in taken:
            return candidate
    return str(network.network_address + RESERVED_LOW + first)


def delete_eni(account: str, region: str, eni: Eni) -> None:
    """Delete the task's ENI (gone already, or never made: nothing to do)."""
    ec2 = backend("ec2", account, region)
    if ec2 is not None and eni.eni_id is not None:
        ec2.enis.pop(eni.eni_id, None)
