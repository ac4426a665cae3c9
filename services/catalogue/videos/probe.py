"""What a file really is, read from its content, never its name: ffprobe (Debian's
`ffmpeg` package) for the container, codecs and duration, ffmpeg for a poster frame.

Only what every browser's <video> plays is taken: MP4 with H.264 or AV1 video (AAC or
MP3 sound), and WebM with VP8, VP9 or AV1 (Opus or Vorbis).  Anything else — a
document renamed .mp4, an AVI, H.265 that only Safari plays — is refused with a
sentence saying what to do.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from shared.errors import ApiError

# (container as ffprobe names it, the video codecs and sound codecs browsers play in it, content type, extension)
PLAYABLE = (
    ("mov,mp4,m4a,3gp,3g2,mj2", {"h264", "av1"}, {"aac", "mp3"}, "video/mp4", "mp4"),
    ("matroska,webm", {"vp8", "vp9", "av1"}, {"opus", "vorbis"}, "video/webm", "webm"),
)
WHAT_WE_TAKE = "Upload an MP4 (H.264) or WebM (VP8 or VP9) video; most phones and editing programs export MP4."
# ffprobe on a 2 GiB file reads its header and index only: seconds at worst.
PROBE_SECONDS = 60


class Unsupported(ApiError):
    """The file is not a video we can play (415)."""

    status, code = 415, "unsupported_media_type"


class ToolMissing(ApiError):
    status, code = 503, "unavailable"


@dataclass(frozen=True)
class Probed:
    content_type: str
    extension: str
    duration_seconds: int
    width: int
    height: int


def sniff(head: bytes) -> None:
    """A first look at the opening bytes of an upload, so that a document or a photo
    renamed .mp4 is refused at its first chunk rather than after the whole file has
    come: MP4 and QuickTime files start with a box (`ftyp` at byte 4, or an older
    `moov`/`mdat`/`wide`/`free`), WebM and Matroska with the EBML magic number.  The
    whole file is probed when it has all come (`probe`)."""
    if len(head) < 12:
        return
    if head[:4] == b"\x1a\x45\xdf\xa3" or head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return
    raise Unsupported(f"This file is not a video we can play. {WHAT_WE_TAKE}")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolMissing(f"Videos cannot be checked on this server just now ({name} is missing); "
                          "nothing was saved. Tell the Lighthouse Learning team.")
    return path


def probe(path: Path) -> Probed:
    """The container, codecs and length of the file at `path`, or Unsupported saying why."""
    try:
        done = subprocess.run([_tool("ffprobe"), "-v", "error", "-print_format", "json", "-show_format",
                               "-show_streams", str(path)], capture_output=True, timeout=PROBE_SECONDS)
    except subprocess.TimeoutExpired:
        raise Unsupported(f"This file could not be read as a video. {WHAT_WE_TAKE}") from None
    try:
        facts = json.loads(done.stdout or b"{}")
    except ValueError:
        facts = {}
    streams, container = facts.get("streams") or [], (facts.get("format") or {}).get("format_name", "")
    if done.returncode != 0 or not streams:
        raise Unsupported(f"This file could not be read as a video: it may be damaged, or not a video at all. "
                          f"{WHAT_WE_TAKE}")
    video = [s for s in streams if s.get("codec_type") == "video" and not _is_cover_art(s)]
    sound = [s for s in streams if s.get("codec_type") == "audio"]
    if not video:
        raise Unsupported(f"This file has no pictures in it (sound only, or a still image). {WHAT_WE_TAKE}")
    for name, video_codecs, sound_codecs, content_type, extension in PLAYABLE:
        if container != name:
            continue
        codec = video[0].get("codec_name", "unknown")
        if codec not in video_codecs:
            raise Unsupported(f"This video is encoded as {codec.upper()}, which not every browser plays. "
                              f"{WHAT_WE_TAKE} Re-export it as MP4 with H.264.")
        odd_sound = [s.get("codec_name", "unknown") for s in sound if s.get("codec_name") not in sound_codecs]
        if odd_sound:
            raise Unsupported(f"This video's sound is encoded as {odd_sound[0].upper()}, which browsers do not "
                              f"play in this kind of file. Re-export it as MP4 with H.264 and AAC sound.")
        return Probed(content_type, extension, _seconds(facts), int(video[0].get("width") or 0),
                      int(video[0].get("height") or 0))
    raise Unsupported(f"This file is a {container.split(',')[0].upper()} file, which browsers do not play. "
                      f"{WHAT_WE_TAKE}")


def _is_cover_art(stream: dict) -> bool:
    # An MP3 or M4A with an album cover reports the picture as a video stream.
    return bool((stream.get("disposition") or {}).get("attached_pic"))


def _seconds(facts: dict) -> int:
    try:
        return max(0, round(float((facts.get("format") or {}).get("duration") or 0)))
    except ValueError:
        return 0


def poster_frame(path: Path, out: Path, duration_seconds: int) -> bool:
    """A JPEG of one frame a little way in (the first is often black), 640 pixels wide
    at most, written to `out`; False if ffmpeg could not make one (the video is saved
    without a poster then: a missing picture is no reason to refuse a good video)."""
    at = min(2.0, duration_seconds / 3) if duration_seconds else 0
    try:
        done = subprocess.run([_tool("ffmpeg"), "-v", "error", "-y", "-ss", f"{at:.2f}", "-i", str(path),
                               "-frames:v", "1", "-vf", "scale='min(640,iw)':-2", "-q:v", "4", "-f", "image2",
                               str(out)], capture_output=True, timeout=PROBE_SECONDS)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0 and out.exists() and out.stat().st_size > 0
