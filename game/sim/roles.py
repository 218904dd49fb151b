"""Crew roles and the skills they bring (frozen data).

A skill multiplies work speed: 1.0 is a trained hand, below is slower.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Role:
    name: str
    title: str
    skills: dict[str, float] = field(default_factory=dict)

    def skill(self, name: str) -> float:
        return self.skills.get(name, 0.5)


ROLES: dict[str, Role] = {
    r.name: r
    for r in (
        Role("commander", "Commander", {"command": 1.0}),
        Role("coordinator", "Life-support coordinator", {"command": 1.0, "repair": 0.7}),
        Role("rescue", "Emergency response", {"cut": 1.0, "pry": 1.0, "medical": 0.7, "repair": 0.8}),
        Role("engineer", "Engineer", {"cut": 0.9, "pry": 0.9, "repair": 1.0}),
        Role("technician", "Technician", {"cut": 0.7, "pry": 0.8, "repair": 0.9}),
        Role("medic", "Medical officer", {"medical": 1.0}),
        Role("scientist", "Scientist", {}),
        Role("botanist", "Botanist", {}),
        Role("crew", "Crew", {}),
    )
}
