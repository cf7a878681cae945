"""Renderers: RoleSpecs in, files out. Renderers never derive policy; they format the model."""
