"""Programme areas with their sub-areas: what a filter on an area stands for.

An area stands for itself and every area below it, to any depth (the forms allow two levels
today; nothing here relies on it). Two forms of the same rule: in SQL, for a statement to
filter on; in Python, over areas already loaded, for a caller that has them all at hand.
"""

from collections.abc import Collection, Mapping

import sqlalchemy as sa

from meetings.mechanisms.models import ProgrammeArea


def areas_and_below(area_ids: Collection[int]) -> sa.Select:
    """The ids of the areas and of all their sub-areas, as one statement (a recursive CTE)."""
    tree = sa.select(ProgrammeArea.id).where(ProgrammeArea.id.in_(list(area_ids)))
    tree = tree.cte("area_tree", recursive=True)
    below = sa.select(ProgrammeArea.id).join(tree, ProgrammeArea.parent_id == tree.c.id)
    return sa.select(tree.union(below).c.id)


def with_sub_areas(area_id: int, loaded: Mapping[int, ProgrammeArea]) -> set[int]:
    """The area's id and its sub-areas', among the areas loaded (none if it is not there)."""
    if area_id not in loaded:
        return set()
    found, grew = {area_id}, True
    while grew:
        below = {a.id for a in loaded.values() if a.parent_id in found} - found
        found |= below
        grew = bool(below)
    return found
