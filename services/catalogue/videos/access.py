"""Who may do what with the video library's films.

"May this person watch this video" is said twice, in the two forms its users need:
`refusal_to_watch` for one video in hand (videos/media.py, where playback checks it on
every request; the video page, its captions and its progress use the same function)
and `watchable_by` here, as a SQL condition for lists, search, a course's videos and
continue watching.  services/catalogue/tests/test_video_access.py checks on every
combination that the two agree, so a withdrawal hides a film from every one of them at
once, and no list shows a film its stream would refuse.
"""
from __future__ import annotations

import sqlalchemy as sa

from services.catalogue.videos.media import refusal_to_watch
from services.catalogue.videos.models import Video
from shared.errors import Forbidden
from shared.tokens import Identity
from shared.vocabulary import ConsentStatus, Role, Visibility

__all__ = ["refusal_to_watch", "watchable_by", "visible_to", "may_see_record"]


def watchable_by(identity: Identity):
    """`refusal_to_watch(video, identity) is None` (videos/media.py), as a condition on
    the video table."""
    allowed = Video.consent_status != ConsentStatus.WITHDRAWN
    if identity.is_admin:
        return allowed
    consent = sa.or_(sa.not_(Video.has_pupils), Video.consent_status == ConsentStatus.CONFIRMED)
    if identity.person_id is not None:
        consent = sa.or_(consent, Video.uploaded_by_id == identity.person_id)
    conditions = [allowed, consent]
    if not identity.is_trust_member:
        conditions.append(Video.visibility == Visibility.PUBLIC)
    return sa.and_(*conditions)


def visible_to(identity: Identity, consent_status: ConsentStatus | None = None):
    """The videos a list shows: those `identity` may watch.  Admins may also ask for
    the films of one consent status — WITHDRAWN included, to manage them; a withdrawn
    film is never in any other list, theirs included."""
    if identity.is_admin and consent_status is not None:
        return Video.consent_status == consent_status
    return watchable_by(identity)


def may_see_record(video: Video, identity: Identity) -> bool:
    """Whether `identity` may read the video's record (its page, without the film):
    whoever may watch it, and admins always — a withdrawn film still needs its consent
    managed and its history read."""
    return identity.is_admin or refusal_to_watch(video, identity) is None


# ---------- changing the library ----------


def may_add_videos(identity: Identity) -> bool:
    return identity.is_admin or identity.has_role(Role.NETWORK_LEAD)


def require_adder(identity: Identity) -> None:
    if not may_add_videos(identity):
        raise Forbidden("Only Lighthouse Learning admins and network leads can add videos to the library.")


def require_editor(video: Video, identity: Identity) -> None:
    """Admins edit any video; a network lead the ones they added."""
    require_adder(identity)
    if not identity.is_admin and video.uploaded_by_id != identity.person_id:
        raise Forbidden("Only the person who added this video, or an admin, can change it.")


def may_record_consent(video: Video, identity: Identity, status: ConsentStatus) -> str | None:
    """Why `identity` may not set the film's consent to `status`; None when they may.
    Confirming consent, saying a film needs none, and putting it back to waiting are an
    admin's decisions (they hold the consent forms' record); anyone who may change the
    video may withdraw it or say it has pupils in it, since that only ever hides it."""
    stricter = status in (ConsentStatus.WITHDRAWN, ConsentStatus.PENDING) and (
        status == ConsentStatus.WITHDRAWN or video.consent_status == ConsentStatus.NOT_NEEDED)
    if identity.is_admin:
        return None
    if stricter and may_add_videos(identity) and video.uploaded_by_id == identity.person_id:
        return None
    if stricter:
        return "Only the person who added this video, or an admin, can withdraw it."
    return "Only Lighthouse Learning admins can record consent for a video."
