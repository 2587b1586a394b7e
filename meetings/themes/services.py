"""A theme across mechanisms: the programme areas mapped to it, and the follow-up actions in
those areas, the meetings and the documents whose words speak of it, as the viewer may see
them, in a fixed number of statements."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from meetings.access.policies import can_view_mechanism, meeting_visible
from meetings.access.principal import Principal
from meetings.actions.models import Action
from meetings.actions.queries import ActionFilter, filtered_actions, list_options
from meetings.bodies.models import Body
from meetings.documents.models import Document
from meetings.documents.services import visible_documents_query
from meetings.extensions import db
from meetings.mechanisms.areas import areas_and_below
from meetings.mechanisms.models import Mechanism, ProgrammeArea
from meetings.schedule.models import Meeting, meeting_programme_area
from meetings.search.models import SearchEntry
from meetings.search.query import matching_any
from meetings.search.terms import query_words
from meetings.themes.models import Theme

WHOLE_BELOW = 4  # a theme's words shorter than this match whole words only ("e", "air")
SHOWN = 20  # meetings, documents and actions listed on a theme's page, newest or soonest first


@dataclass
class Listed:
    items: list = field(default_factory=list)
    total: int = 0


@dataclass
class ThemeView:
    theme: Theme
    areas: list[ProgrammeArea]  # of the mechanisms the viewer may see
    actions: Listed
    meetings: Listed
    documents: Listed


def list_themes() -> list[Theme]:
    stmt = sa.select(Theme).order_by(Theme.position, Theme.name)
    stmt = stmt.options(selectinload(Theme.areas).joinedload(ProgrammeArea.mechanism))
    return list(db.session.scalars(stmt))


def get_theme(slug: str) -> Theme | None:
    stmt = sa.select(Theme).where(Theme.slug == slug)
    stmt = stmt.options(selectinload(Theme.areas).joinedload(ProgrammeArea.mechanism))
    return db.session.scalars(stmt).first()


def visible_areas(theme: Theme, viewer: Principal) -> list[ProgrammeArea]:
    return [a for a in theme.areas if can_view_mechanism(viewer, a.mechanism)]


def theme_view(theme: Theme, viewer: Principal) -> ThemeView:
    areas = visible_areas(theme, viewer)
    phrases = [query_words(p) for p in theme.phrases]
    return ThemeView(
        theme=theme,
        areas=areas,
        actions=_actions(viewer, [a.id for a in areas]),
        meetings=_meetings(viewer, phrases, [a.id for a in areas]),
        documents=_documents(viewer, phrases),
    )


def _count(stmt: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


def _actions(viewer: Principal, area_ids: list[int]) -> Listed:
    """Actions in the areas or their sub-areas, soonest due first."""
    if not area_ids:
        return Listed()
    stmt = filtered_actions(viewer, ActionFilter()).where(
        Action.programme_area_id.in_(areas_and_below(area_ids))
    )
    items = db.session.scalars(stmt.options(*list_options()).limit(SHOWN)).unique()
    return Listed(list(items), _count(stmt))


def _meetings(viewer: Principal, phrases: list[list[str]], area_ids: list[int]) -> Listed:
    """Meetings found by the theme's words, or tagged with its areas or their sub-areas."""
    matched = sa.select(SearchEntry.meeting_id).where(
        matching_any(phrases, whole_below=WHOLE_BELOW)
    )
    tagged = sa.select(meeting_programme_area.c.meeting_id).where(
        meeting_programme_area.c.programme_area_id.in_(areas_and_below(area_ids))
    )
    stmt = (
        sa.select(Meeting)
        .join(Body, Meeting.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(meeting_visible(viewer), sa.or_(Meeting.id.in_(matched), Meeting.id.in_(tagged)))
    )
    ordered = stmt.options(joinedload(Meeting.body).joinedload(Body.mechanism)).order_by(
        Meeting.start_date.desc(), Meeting.id.desc()
    )
    return Listed(list(db.session.scalars(ordered.limit(SHOWN)).unique()), _count(stmt))


def _documents(viewer: Principal, phrases: list[list[str]]) -> Listed:
    matched = sa.select(SearchEntry.document_id).where(
        matching_any(phrases, whole_below=WHOLE_BELOW)
    )
    stmt = visible_documents_query(viewer).where(Document.id.in_(matched))
    ordered = stmt.options(
        selectinload(Document.body).selectinload(Body.mechanism), selectinload(Document.meeting)
    ).order_by(Document.id.desc())
    return Listed(list(db.session.scalars(ordered.limit(SHOWN)).unique()), _count(stmt))
