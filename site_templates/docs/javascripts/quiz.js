// The training quizzes, scored in the reader's browser: nothing goes to a server.
//
// A quiz page (div.quiz) turns each question's numbered options into buttons. A click marks the
// choice right or wrong, shows the right one and opens the answer (the why, from the rules), and
// keeps the result. Results are kept in localStorage through Material's __md_get/__md_set, which
// prefix the key with the site's own path: the Chinese site (/) and the English one (/en/), or
// two sites under different paths, never share a score.
//
// Spaced review, kept simple: a question's last result is what counts. A question missed last
// time comes first the next time the quiz is opened, marked as such, until it is answered right.
//
// The learning path (p.quiz-progress) shows per topic: passed, the score so far, or not started.
document$.subscribe(function () {
  document.querySelectorAll("div.quiz").forEach(startQuiz);
  document.querySelectorAll("p.quiz-progress").forEach(showProgress);
});

function storeKey(topic) {
  return "playbook.quiz." + topic;
}

function kept(topic) {
  return __md_get(storeKey(topic)) || {};
}

function fill(text, right, total) {
  return text.replace("{right}", right).replace("{total}", total);
}

// How many of these questions were last answered right, and whether any was answered at all.
function score(results, ids) {
  var right = ids.filter(function (id) { return results[id] === true; }).length;
  var answered = ids.some(function (id) { return id in results; });
  return { right: right, total: ids.length, answered: answered };
}

function scoreText(element, s) {
  var passed = s.total > 0 && s.right / s.total >= parseFloat(element.dataset.pass);
  return fill(passed ? element.dataset.passedText : element.dataset.scoreText, s.right, s.total);
}

function startQuiz(quiz) {
  if (quiz.dataset.ready) return;
  quiz.dataset.ready = "1";
  quiz.classList.add("quiz-live");
  var topic = quiz.dataset.topic;
  var results = kept(topic);
  var questions = Array.prototype.slice.call(quiz.querySelectorAll("div.quiz-question"));
  var ids = questions.map(function (q) { return q.dataset.question; });
  var shown = quiz.querySelector("p.quiz-score");

  function update() {
    var s = score(results, ids);
    shown.hidden = !s.answered;
    shown.textContent = scoreText(quiz, s);
  }

  // missed last time: to the top, in their order, marked
  var first = questions[0];
  questions.forEach(function (question) {
    if (results[question.dataset.question] !== false) return;
    var mark = document.createElement("p");
    mark.className = "quiz-review";
    mark.textContent = quiz.dataset.reviewText;
    question.insertBefore(mark, question.firstChild);
    quiz.insertBefore(question, first);
  });

  questions.forEach(function (question) {
    var right = parseInt(question.dataset.right, 10);
    var answer = question.querySelector("details");
    var items = question.querySelectorAll(":scope > ol > li");
    var feedback = document.createElement("p");
    feedback.className = "quiz-feedback";
    feedback.setAttribute("role", "status");
    question.insertBefore(feedback, answer);
    items.forEach(function (item, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "quiz-option";
      while (item.firstChild) button.appendChild(item.firstChild);
      item.appendChild(button);
      button.addEventListener("click", function () {
        if (question.classList.contains("quiz-answered")) return;
        var isRight = index === right;
        question.classList.add("quiz-answered", isRight ? "quiz-is-right" : "quiz-is-wrong");
        items.forEach(function (other, i) {
          other.querySelector("button").disabled = true;
          if (i === right) other.classList.add("quiz-right");
        });
        if (!isRight) item.classList.add("quiz-wrong");
        feedback.textContent = isRight ? quiz.dataset.rightText : quiz.dataset.wrongText;
        if (answer) answer.open = true;
        results[question.dataset.question] = isRight;
        __md_set(storeKey(topic), results);
        update();
      });
    });
  });
  update();
}

function showProgress(line) {
  var ids = line.dataset.questions.split(" ").filter(Boolean);
  var s = score(kept(line.dataset.topic), ids);
  line.textContent = s.answered ? scoreText(line, s) : line.dataset.notStartedText;
  line.classList.toggle("quiz-passed", s.answered && s.right / s.total >= parseFloat(line.dataset.pass));
  line.hidden = false;
}
