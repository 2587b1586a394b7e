"""Load themes.yaml: the shared vocabulary of themes and their programme areas. A theme is
known by its slug; one already there keeps its words and mapping (the secretariat may have
changed them), and only the themes missing are added."""

from pathlib import Path

import sqlalchemy as sa
import yaml

from meetings.extensions import db
from meetings.mechanisms.models import Mechanism, ProgrammeArea
from meetings.seeding.documents import SeedDataError
from meetings.themes.models import Theme

THEMES = Path(__file__).with_name("themes.yaml")
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_themes(report, path: Path = THEMES) -> None:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # nosec B506  # YAML_LOADER is (C)SafeLoader
    known = set(db.session.scalars(sa.select(Theme.slug)))
    areas = {
        (slug, code): area
        for area, slug, code in db.session.execute(
            sa.select(ProgrammeArea, Mechanism.slug, ProgrammeArea.code).join(
                Mechanism, ProgrammeArea.mechanism_id == Mechanism.id
            )
        )
    }
    for position, item in enumerate(data["themes"]):
        if item["slug"] in known:
            continue
        mapped = []
        for mechanism, codes in (item.get("areas") or {}).items():
            for code in codes:
                area = areas.get((mechanism, str(code)))
                if area is None:
                    raise SeedDataError(f"Theme {item['slug']}: no area {code} of {mechanism}.")
                mapped.append(area)
        db.session.add(
            Theme(
                slug=item["slug"],
                name=item["name"],
                description=item.get("description", ""),
                sdgs=list(item.get("sdgs", [])),
                keywords="\n".join(item.get("keywords", [])),
                position=position,
                areas=mapped,
            )
        )
        report.count("themes")
    db.session.flush()
