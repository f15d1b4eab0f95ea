"""Licences: the metadata ``license`` value in, what it allows out.

One row per licence zinepress knows. The words printed for each (the cover line, the
colophon's statement, and the invitation to copy, if the licence allows it) are in
each language table, ``templates/lang/<lang>.yaml`` under ``licenses:``; this table
holds the facts that do not depend on the language.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class License:
    """A licence: its SPDX-style id, the page that states it, and whether copies are free."""

    id: str
    url: str | None
    copies: str  # "free", "non-commercial", "unchanged", "non-commercial-unchanged", "none"


LICENSES: tuple[License, ...] = (
    License("anti-copyright", None, "free"),
    License("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/", "free"),
    License("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/", "free"),
    License("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/", "free"),
    License("CC-BY-ND-4.0", "https://creativecommons.org/licenses/by-nd/4.0/", "unchanged"),
    License("CC-BY-NC-4.0", "https://creativecommons.org/licenses/by-nc/4.0/",
            "non-commercial"),
    License("CC-BY-NC-SA-4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/",
            "non-commercial"),
    License("CC-BY-NC-ND-4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/",
            "non-commercial-unchanged"),
    License("all-rights-reserved", None, "none"),
)
LICENSE_IDS = tuple(lic.id for lic in LICENSES)
BY_ID = {lic.id: lic for lic in LICENSES}
