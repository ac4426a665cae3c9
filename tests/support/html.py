"""Reading a rendered page as a person (or a screen reader) would take it in: the error
summary and where its links go, the message beside each field, what a field holds."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict
    text: str = ""  # what it reads as, with its parts apart
    raw: str = ""  # exactly the text it holds (a textarea's value)
    children: list = field(default_factory=list)

    @property
    def words(self) -> str:
        return " ".join(self.text.split())


class _Tree(HTMLParser):
    VOID = {"input", "br", "meta", "link", "img", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        self._gap()  # cells and blocks read apart, as they are seen
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        self._gap()
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        for element in self.stack[1:]:
            element.text += data
            element.raw += data

    def _gap(self):
        for element in self.stack[1:]:
            element.text += " "


class Page:
    def __init__(self, html: str):
        tree = _Tree()
        tree.feed(html)
        self.root = tree.root
        self.html = html

    def all(self, predicate) -> list[Element]:
        found, todo = [], [self.root]
        while todo:
            element = todo.pop(0)
            if predicate(element):
                found.append(element)
            todo[:0] = element.children
        return found

    def by_id(self, element_id: str) -> Element | None:
        hits = self.all(lambda e: e.attrs.get("id") == element_id)
        return hits[0] if hits else None

    def error_summary(self) -> list[tuple[str | None, str]]:
        """(link target or None, message) for each item of the error summary."""
        boxes = self.all(lambda e: "govuk-error-summary" in e.attrs.get("class", "").split())
        if not boxes:
            return []
        items = []
        for li in _descendants(boxes[0], "li"):
            links = _descendants(li, "a")
            items.append((links[0].attrs["href"] if links else None, li.words))
        return items

    def field_error(self, field_id: str) -> str | None:
        """The message shown beside a field, as the field's aria-describedby points to it."""
        control = self.by_id(field_id)
        message = self.by_id(f"{field_id}-error")
        if message is None:
            return None
        assert control is not None, f"no field {field_id}"
        described = control.attrs.get("aria-describedby", "")
        assert f"{field_id}-error" in described.split() or control.tag == "input" and control.attrs.get("type") in (
            "checkbox", "radio"), f"{field_id} is not tied to its message"
        return message.words.removeprefix("Error: ")

    def value(self, field_id: str) -> str:
        control = self.by_id(field_id)
        assert control is not None, f"no field {field_id}"
        if control.tag == "textarea":
            return control.raw.removeprefix("\n")  # as a browser reads it
        if control.tag == "select":
            chosen = [o for o in _descendants(control, "option") if "selected" in o.attrs]
            return chosen[0].attrs.get("value", "") if chosen else ""
        return control.attrs.get("value", "")

    def text(self) -> str:
        return " ".join(e.words for e in self.root.children)


def _descendants(element: Element, tag: str) -> list[Element]:
    found, todo = [], list(element.children)
    while todo:
        e = todo.pop(0)
        if e.tag == tag:
            found.append(e)
        todo[:0] = e.children
    return found
