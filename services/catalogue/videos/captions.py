"""WebVTT captions, read by hand (the format is small, and a parser library would be a
dependency for forty lines): checked as a browser's <track> would need them, each
problem said with its line and what to type instead, and made into the transcript
that stands beside the player and that search reads.

What is checked (W3C WebVTT, the parts a caption file uses): the WEBVTT signature
line; blocks apart by blank lines; NOTE, STYLE and REGION blocks passed over; each cue
an optional identifier, a timing line `00:01.000 --> 00:04.000` (hours optional,
minutes and seconds below 60, milliseconds in three digits, the end after the start)
with optional settings, then its text.  Tags (<v Ana>, <i>, <c.loud>, inline times)
and the character references a cue may hold come out of the transcript.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from shared.errors import Invalid, field_error

MAX_CHARACTERS = 200_000  # an hour's lesson is about 60,000
_TIME = re.compile(r"(?:(\d{2,}):)?(\d{2}):(\d{2})\.(\d{3})")
_TIMING = re.compile(r"^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+.*)?$")
_TAG = re.compile(r"<[^>]*>")
_SIGNATURE = re.compile(r"^WEBVTT(?:[ \t].*)?$")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str

    def as_dict(self) -> dict:
        return {"start_seconds": self.start, "end_seconds": self.end, "text": self.text}


class CaptionProblem(ValueError):
    """The file is not WebVTT we can use; the message says where and what to do."""


def clock(seconds: float) -> str:
    """1:02:03 or 2:03: a time in a video as people read it."""
    whole = int(seconds)
    hours, minutes, secs = whole // 3600, whole % 3600 // 60, whole % 60
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _seconds(text: str, line: int) -> float:
    match = _TIME.fullmatch(text)
    if not match:
        raise CaptionProblem(f"Line {line}: “{text[:20]}” is not a caption time; write it as 00:01:02.500 "
                             "(hours are optional, then minutes, seconds and three digits of milliseconds).")
    hours, minutes, secs, millis = match.groups()
    if int(minutes) > 59 or int(secs) > 59:
        raise CaptionProblem(f"Line {line}: “{text}” has more than 59 minutes or seconds.")
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000


def _plain(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def parse(vtt: str) -> list[Cue]:
    """The cues of a WebVTT file, in order of their start; CaptionProblem if it is not one."""
    if len(vtt) > MAX_CHARACTERS:
        raise CaptionProblem(f"The captions are too long ({len(vtt):,} characters); a file can hold "
                             f"{MAX_CHARACTERS:,}. Split the video, or shorten the captions.")
    lines = vtt.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not _SIGNATURE.match(lines[0]):
        raise CaptionProblem("This is not a WebVTT caption file: its first line must be WEBVTT. "
                             "Captions saved as SubRip (.srt) or plain text can be converted to WebVTT "
                             "by most caption editors.")
    cues: list[Cue] = []
    i = 1
    while i < len(lines) and lines[i].strip():  # the header's own lines
        i += 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start = i
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        cue = _cue(block, start + 1)
        if cue is not None:
            cues.append(cue)
    if not cues:
        raise CaptionProblem("The file has no captions in it: after the WEBVTT line, give each caption a line "
                             "like 00:00:01.000 --> 00:00:04.000 and its words on the lines below.")
    return sorted(cues, key=lambda c: (c.start, c.end))


def _cue(block: list[str], first_line: int) -> Cue | None:
    head = block[0].strip()
    if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
        return None
    timing_at = 0 if "-->" in block[0] else 1
    if timing_at >= len(block) or "-->" not in block[timing_at]:
        raise CaptionProblem(f"Line {first_line}: a caption needs a timing line such as "
                             "00:00:01.000 --> 00:00:04.000 before its words.")
    line = first_line + timing_at
    timing = _TIMING.match(block[timing_at].strip())
    if not timing:
        raise CaptionProblem(f"Line {line}: write the caption's times as 00:00:01.000 --> 00:00:04.000.")
    begins, ends = _seconds(timing[1], line), _seconds(timing[2], line)
    if ends <= begins:
        raise CaptionProblem(f"Line {line}: the caption ends ({timing[2]}) before it starts ({timing[1]}).")
    return Cue(begins, ends, _plain(" ".join(block[timing_at + 1:])))


def transcript(cues: list[Cue]) -> str:
    """The captions' words, a line each; a line repeated by rolling captions once."""
    lines: list[str] = []
    for cue in cues:
        if cue.text and (not lines or lines[-1] != cue.text):
            lines.append(cue.text)
    return "\n".join(lines)


def checked(vtt: str | None, duration_seconds: int, field: str = "captions_vtt") -> tuple[str | None, str | None]:
    """(the captions as kept, their transcript), or a refusal (422) on `field` saying
    what is wrong.  Empty captions are none; a caption that starts after the video's
    end (when its length is known) is refused too."""
    if vtt is None or not vtt.strip():
        return None, None
    try:
        cues = parse(vtt)
    except CaptionProblem as problem:
        raise Invalid(str(problem), [field_error(field, str(problem))]) from None
    if duration_seconds and cues[-1].start >= duration_seconds:
        message = (f"A caption starts at {clock(cues[-1].start)}, after the video ends at "
                   f"{clock(duration_seconds)}; are these the captions of another video?")
        raise Invalid(message, [field_error(field, message)])
    return vtt.lstrip("\ufeff"), transcript(cues)
