"""The pure model of ECS: resources, lifecycles and schedulers, in snake_case.

Nothing here imports botocore or speaks camelCase; the `api` package translates.
"""
