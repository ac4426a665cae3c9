"""The catalogue's pages when the bookings service cannot answer: the courses are the
catalogue's, so they still show, without their dates, and say why."""
from __future__ import annotations

from gateway.app import create_app
from tests.support.html import Page


def test_the_catalogue_and_a_course_show_without_their_dates_when_bookings_is_down(stack, make_course):
    make_course(title="Unlocking Letters and Sounds", visibility="PUBLIC")
    down = stack.settings.model_copy(update={"bookings_url": "http://127.0.0.1:9"})
    client = create_app(down).test_client()

    listing = client.get("/courses")
    assert listing.status_code == 200
    page = Page(listing.get_data(as_text=True))
    assert "1 course" in page.text()
    assert "Unlocking Letters and Sounds" in page.text()
    assert "The dates cannot be shown just now" in page.text()
    assert "Next date" not in page.text()  # rather than "No dates yet", which would be untrue

    course = client.get("/courses/unlocking-letters-and-sounds")
    assert course.status_code == 200
    text = Page(course.get_data(as_text=True)).text()
    assert "Unlocking Letters and Sounds" in text and "unavailable just now" in text
    assert "No dates yet" not in text
