"""Demo films for the embedded default, so that `make run` shows a library: two short
films made on the spot with ffmpeg (a test pattern and a tone standing in for a lesson,
with captions and chapters), one confirmed for trust staff and one still waiting for
consent, and a link to a film elsewhere that anyone may watch.  Without ffmpeg, only
the link."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlmodel import Session, select

from services.catalogue.courses.models import Course
from services.catalogue.videos.models import LINK, UPLOAD, Video
from services.catalogue.videos.probe import poster_frame, probe
from services.catalogue.videos.storage import storage_for
from shared.clock import utcnow
from shared.settings import get_settings
from shared.vocabulary import ConsentStatus, Visibility

CAPTIONS = """WEBVTT

00:00.000 --> 00:04.000
<v Teacher>Good morning, Year 4. Today we are editing our persuasive letters.

00:04.000 --> 00:08.000
<v Teacher>First, read your opening sentence aloud to your talk partner.

00:08.000 --> 00:12.000
<v Teacher>Listen for where you pause: that is where a comma might go.

00:12.000 --> 00:16.000
<v Teacher>Now find one fronted adverbial and check it is followed by a comma.

00:16.000 --> 00:20.000
<v Teacher>Swap books, and leave your partner one star and one wish.
"""

FILMS = [
    {"title": "Editing persuasive letters with talk partners", "subject": "English", "phases": ["KS2"],
     "course_words": "writing", "consent": ConsentStatus.CONFIRMED,
     "description": "A Year 4 class edits persuasive letters in pairs: reading aloud to hear the punctuation, "
                    "then peer feedback with one star and one wish.\n\nWatch for how the teacher models the "
                    "first edit before handing over to the pairs.",
     "chapters": [{"title": "Reading aloud", "starts_at_seconds": 0},
                  {"title": "Fronted adverbials", "starts_at_seconds": 12},
                  {"title": "Peer feedback", "starts_at_seconds": 16}]},
    {"title": "Counting collections in Reception", "subject": "Maths", "phases": ["EYFS"],
     "course_words": "maths", "consent": ConsentStatus.PENDING,
     "description": "Children count and record collections of objects; filmed in a Reception class.",
     "chapters": []},
]


def _make_film(folder: Path) -> Path | None:
    film = folder / "film.webm"
    try:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=20:size=640x360:rate=25",
                        "-f", "lavfi", "-i", "sine=frequency=330:duration=20", "-c:v", "libvpx", "-deadline",
                        "realtime", "-b:v", "400k", "-c:a", "libopus", "-shortest", str(film)],
                       check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return film


def seed_videos(db: Session) -> int:
    """The demo films, into an empty library; how many were added."""
    if db.exec(select(Video.id).limit(1)).first() is not None:
        return 0
    courses = db.exec(select(Course.id, Course.title)).all()

    def course_about(words: str) -> int | None:
        return next((cid for cid, title in courses if words in title.lower()), None)

    made = [Video(title="Dialogic reading: a demonstration", subject="English", phases=["EYFS", "KS1"],
                  description="An adult reads a picture book with a small group, asking open questions: a "
                              "film with no pupils in it, open to everyone. (In the demo, a link to nowhere.)",
                  source=LINK, source_url="https://www.youtube.com/watch?v=demo-link", visibility=Visibility.PUBLIC,
                  has_pupils=False, consent_status=ConsentStatus.NOT_NEEDED, uploaded_by_id=0,
                  uploaded_by_name="Demo data")]
    store = storage_for(get_settings())
    with tempfile.TemporaryDirectory() as scratch:
        film = _make_film(Path(scratch)) if shutil.which("ffmpeg") else None
        for n, spec in enumerate(FILMS if film else []):
            found = probe(film)
            prefix = f"videos/demo-{n + 1}/"
            copy = Path(scratch) / f"copy-{n}.webm"
            shutil.copyfile(film, copy)
            poster = Path(scratch) / f"poster-{n}.jpg"
            poster_key = f"{prefix}poster.jpg" if poster_frame(copy, poster, found.duration_seconds) else None
            size = copy.stat().st_size
            store.put_file(f"{prefix}video.{found.extension}", copy, found.content_type)
            if poster_key:
                store.put_file(poster_key, poster, "image/jpeg")
            confirmed = spec["consent"] == ConsentStatus.CONFIRMED
            made.append(Video(
                title=spec["title"], subject=spec["subject"], phases=spec["phases"], description=spec["description"],
                course_id=course_about(spec["course_words"]), source=UPLOAD,
                storage_key=f"{prefix}video.{found.extension}", poster_key=poster_key,
                content_type=found.content_type, size_bytes=size, duration_seconds=found.duration_seconds,
                has_pupils=True, consent_status=spec["consent"], chapters=spec["chapters"],
                captions_vtt=CAPTIONS if confirmed else None,
                transcript="\n".join(line.split(">", 1)[1] for line in CAPTIONS.splitlines() if "<v " in line)
                if confirmed else None,
                consent_by_name="Demo data" if confirmed else None, consent_at=utcnow() if confirmed else None,
                consent_note="Signed consent forms for every pupil, kept by the school office." if confirmed
                else None, uploaded_by_id=0, uploaded_by_name="Demo data"))
    db.add_all(made)
    db.flush()
    return len(made)
