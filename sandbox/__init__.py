"""The simulated brand "Northwind Threads": world model, HTTP replicas of its platform APIs and ground truth.

Entry points: `sandbox.world.build_world`, `sandbox.server.SandboxServer`, `sandbox.truth.Truth`,
`sandbox.faults.Faults`, `sandbox.fx`, `sandbox.credentials`, `python -m sandbox serve` and
`python -m sandbox.inputs DIR`.
"""
