"""The tenant registry: a YAML file validated into pydantic models, with every problem located."""

from generator.registry.errors import Problem, RegistryError
from generator.registry.loader import LoadedRegistry, load_registry, load_registry_text
from generator.registry.model import SCENARIOS, Registry, Scenario, Tenant

__all__ = [
    "SCENARIOS",
    "LoadedRegistry",
    "Problem",
    "Registry",
    "RegistryError",
    "Scenario",
    "Tenant",
    "load_registry",
    "load_registry_text",
]
