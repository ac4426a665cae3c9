"""The sprint plan form's clip picker: pre-work for each session from the video library.

A trust's library may hold hundreds of films and a plan up to 22 rows, so no row lists
the whole library (22 copies of it would make the page megabytes long, and a list that
long cannot be read).  Each row keeps, folded in a govuk-details, the clips chosen for
it (ticked), the library's newest few, and a search of the library.  The search is a
button of the plan form itself: it sends the form back unsaved with that row's results,
so it works without JavaScript and from the keyboard, and nothing typed in the other
rows is lost.  Everything offered comes from the library's own `videos` query, which
answers only films the leader may watch; planSprint checks the ids again
(gateway/cascade/sprints.py, `clips_out_of_reach`), so an id typed into a forged form
is refused beside its session.  A clip the leader may no longer watch (its consent
withdrawn) is not on the form, so saving the plan again leaves it off."""
from __future__ import annotations

from gateway.graph.view import execute_here
from gateway.web.pages import found

NEWEST = 10  # offered in every row before a search: something to start from, few enough for 22 rows
FOUND = 20  # a search's results shown; more words narrow it
MAX_CLIPS = 10  # the catalogue's most clips for one session
CLIP = "id title durationSeconds"
LIST = f"totalCount edges {{ node {{ {CLIP} }} }}"


def search_asked(form, rows: int) -> int | None:
    """The row whose search the form asks for: its "Find clips" button, or Enter
    pressed in its search box.  Enter presses the form's first button, a hidden one
    (action "enter"): it searches when a row's box holds words not searched yet, and
    saves the plan otherwise, as Enter in a topic always did."""
    action = form.get("action", "")
    if action.startswith("find-") and action[5:].isdigit() and int(action[5:]) < rows:
        return int(action[5:])
    if action == "enter":
        for i in range(rows):
            words = form.get(f"session-{i}-find", "").strip()
            if words and words != form.get(f"session-{i}-searched", "").strip():
                return i
    return None


SESSIONS = f"""query SprintClips($id: ID!) {{ sprint(id: $id) {{ sessions {{ id videos {{ {CLIP} }} }} }} }}"""


def of_sessions(sprint_id: str) -> dict[str, list[dict]]:
    """Each session's clips (those the person looking may watch) by the session's id.
    Apart from the page's query, whose every sprint of the programme times every
    session times ten clips would cost more than a query may; a 503 when it cannot be
    read, rather than a plan form without the clips chosen, which saving would drop."""
    sprint = found(execute_here(SESSIONS, {"id": sprint_id}), "sprint", "The sprint's clips are unavailable")
    return {s["id"]: s["videos"] for s in sprint["sessions"]}


def library(rows: list[dict]) -> dict:
    """The library as the plan form offers it, in one operation: its newest clips, each
    searching row's results, and the clips the rows sent had chosen (by id, in one
    call).  Nothing when the library cannot be read: each row says so, and keeps the
    clips it was sent with ticked."""
    params, fields, variables = [], [f"newest: videos(first: {NEWEST}) {{ {LIST} }}"], {}
    for r in rows:
        if r["find"]:
            params.append(f"$q{r['n']}: String")
            fields.append(f"find{r['n']}: videos(search: $q{r['n']}, first: {FOUND}) {{ {LIST} }}")
            variables[f"q{r['n']}"] = r["find"]
    if chosen := sorted({v for r in rows for v in r["videos"]}):
        params.append("$ids: [ID!]")
        fields.append(f"chosen: videos(ids: $ids) {{ {LIST} }}")
        variables["ids"] = chosen[:100]
    signature = f"({', '.join(params)})" if params else ""
    data = execute_here(f"query Clips{signature} {{ {' '.join(fields)} }}", variables).get("data") or {}
    return {key: answer for key, answer in data.items() if answer}


def picker(rows: list[dict], lists: dict, sessions: dict[str, list[dict]], searched: int | None) -> dict[int, dict]:
    """For each row by its number: the clips chosen (those the leader may watch), those
    offered beside them (its search's results, else the library's newest), what that
    list is, and whether its details stand open."""
    nodes = {key: [e["node"] for e in answer["edges"]] for key, answer in lists.items()}
    clips = {v["id"]: v for found in [*nodes.values(), *sessions.values()] for v in found}
    picked = {}
    for r in rows:
        key = f"find{r['n']}" if r["find"] else "newest"
        offered = nodes.get(key, [])
        picked[r["n"]] = {"chosen": [clips[v] for v in dict.fromkeys(r["videos"]) if v in clips],
                          "offered": [v for v in offered if v["id"] not in r["videos"]], "find": r["find"],
                          "total": (lists.get(key) or {}).get("totalCount", 0), "shown": len(offered),
                          "unavailable": key not in lists, "open": bool(r["find"]) or r["n"] == searched}
    return picked
