"""A synthetic demo city: organisations, people, ownership, officers, events and inspections.

``generate_city`` writes the source files the loaders read (in the formats users' files come
in), plus the planted ground truth for evaluating the risk models. See ``hazard`` for the model.
May import ``loaders`` (identifiers, vocabularies); only ``cli`` and the tests import it.
"""

from linkrisk.demo.city import CityManifest, FileEntry, generate_city

__all__ = ["CityManifest", "FileEntry", "generate_city"]
