"""The training quizzes in a real browser: home -> learning path -> a quiz answered -> the score ->
a reload keeps it, on the quiz and on the learning path; a missed question comes back first.
The site, the browser and the page (held to localhost) are conftest.py's fixtures."""

from __future__ import annotations

import re

from conftest import SCREENSHOTS


def answer(question, right: bool) -> None:
    """Click the right option of a question, or the one after it."""
    index = int(question.get_attribute("data-right"))
    options = question.locator("button.quiz-option")
    options.nth(index if right else (index + 1) % options.count()).click()


def test_a_quiz_is_scored_and_remembered_and_a_missed_question_comes_back(page, site):
    page.goto(f"{site}/en/")
    page.get_by_role("link", name="Learning path").first.click()
    page.wait_for_url("**/en/training/")
    progress = page.locator("p.quiz-progress[data-topic='qualification']")
    assert progress.inner_text() == "Quiz: not started"
    page.locator("a[href$='qualification/']", has_text="Self-check").click()
    page.wait_for_url("**/en/training/qualification/")

    questions = page.locator("div.quiz-question")
    total = questions.count()
    first, second = questions.nth(0), questions.nth(1)
    missed = second.get_attribute("data-question")
    assert not first.locator("details").is_visible()  # the answer waits for a choice
    answer(first, right=True)
    answer(second, right=False)
    assert first.locator(".quiz-feedback").inner_text() == "Right."
    assert second.locator(".quiz-feedback").inner_text() == "Not quite."
    assert second.locator("li.quiz-right").count() == 1 and second.locator("li.quiz-wrong").count() == 1
    assert second.locator("details[open]").is_visible()  # and the why opens
    assert page.locator("p.quiz-score").inner_text() == f"Score: 1 of {total} right"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "quiz-answered.png"))

    page.reload()
    assert page.locator("p.quiz-score").inner_text() == f"Score: 1 of {total} right"
    comes_first = page.locator("div.quiz-question").first
    assert comes_first.get_attribute("data-question") == missed
    assert comes_first.locator(".quiz-review").inner_text() == "Missed last time: try again"
    assert comes_first.locator("button.quiz-option:enabled").count() > 1  # asked again

    page.get_by_role("link", name="Learning path").first.click()
    page.wait_for_url("**/en/training/")
    assert progress.inner_text() == f"Quiz: 1 of {total} right, not passed yet"
    page.reload()
    assert progress.inner_text() == f"Quiz: 1 of {total} right, not passed yet"
    assert page.locator("p.quiz-progress[data-topic='needs']").inner_text() == "Quiz: not started"

    page.goto(f"{site}/training/")  # the Chinese site keeps its own score
    assert page.locator("p.quiz-progress[data-topic='qualification']").inner_text() == "小测验：尚未开始"


def test_a_topic_answered_right_shows_as_passed_on_the_learning_path(page, site):
    page.goto(f"{site}/training/needs/")
    questions = page.locator("div.quiz-question")
    for i in range(questions.count()):
        answer(questions.nth(i), right=True)
    assert re.fullmatch(r"已通过（(\d+) / \1）", page.locator("p.quiz-score").inner_text())
    page.goto(f"{site}/training/")
    line = page.locator("p.quiz-progress[data-topic='needs']")
    assert line.inner_text().startswith("小测验：已通过")
    assert "quiz-passed" in line.get_attribute("class")
    page.screenshot(path=str(SCREENSHOTS / "learning-path-progress.png"), full_page=True)
