// The grading worksheet under an AHP matrix (collections/ahp_matrices.md.j2): pick a score for
// each indicator and see its points, the weighted score and the grade. The data (weights, score
// range, pre-assessment rules, bands) are rendered into the page from the rules, and grade() below
// follows the checker's grade calculator (playbook/facts.py) step by step, so both give one grade.
// Without JavaScript the worksheet stays hidden and the matrix table above it still reads.

// The grade of `scores` ({indicator id: score}, unscored ones absent), or null when some scores
// are missing and the pre-assessment rules leave more than one grade. Also the weighted score and
// the rules that fired.
function playbookGrade(data, scores) {
  var order = data.bands.map(function (b) { return b.id; }); // highest first
  var best = 0, worst = order.length - 1; // the positions the grade may take
  var fired = [];
  data.pre_assessment.forEach(function (rule) {
    var score = scores[rule.indicator];
    var min = "min_score" in rule ? rule.min_score : Infinity;
    var max = "max_score" in rule ? rule.max_score : -Infinity;
    if (score === undefined || !(score >= min || score <= max)) return;
    var at = order.indexOf(rule.grade);
    if (rule.bound === "cap") best = Math.max(best, at); else worst = Math.min(worst, at);
    fired.push(rule.name);
  });
  var complete = data.indicators.every(function (i) { return i.id in scores; });
  if (!complete) return {grade: best >= worst ? order[best] : null, total: null, fired: fired};
  var total = 0;
  data.indicators.forEach(function (i) { total += i.weight * playbookCounted(data, i, scores[i.id]); });
  var scored = data.bands.findIndex(function (b) { return total >= b.min_score; });
  if (scored < 0) scored = worst;
  return {grade: order[Math.max(best, Math.min(scored, worst))], total: total, fired: fired};
}

// What a score counts as: the score, or (low + high - score) where a higher score is worse.
function playbookCounted(data, indicator, score) {
  return indicator.higher_is === "worse" ? data.low + data.high - score : score;
}

document$.subscribe(function () {
  document.querySelectorAll(".pb-grading").forEach(function (sheet) {
    if (sheet.dataset.ready) return;
    sheet.dataset.ready = "1";
    var data = JSON.parse(sheet.querySelector("script[type='application/json']").textContent);
    var names = {};
    data.bands.forEach(function (b) { names[b.id] = b.name; });
    var separator = sheet.dataset.separator;
    function update() {
      var scores = {};
      data.indicators.forEach(function (i) {
        var row = sheet.querySelector("tr[data-indicator='" + i.id + "']");
        var value = row.querySelector("select").value;
        if (value !== "") scores[i.id] = Number(value);
        row.querySelector(".pb-points").textContent =
          value === "" ? "" : (i.weight * playbookCounted(data, i, Number(value))).toFixed(2);
      });
      var result = playbookGrade(data, scores);
      sheet.querySelector(".pb-score").textContent = result.total === null ? "–" : result.total.toFixed(2);
      sheet.querySelector(".pb-grade").textContent = result.grade === null ? "–" : names[result.grade];
      sheet.dataset.grade = result.grade || "";
      var pre = sheet.querySelector(".pb-grading-pre");
      pre.hidden = result.fired.length === 0;
      pre.querySelector("span").textContent = result.fired.join(separator);
      sheet.querySelector(".pb-grading-incomplete").hidden = result.grade !== null;
    }
    sheet.addEventListener("change", update);
    update();
    sheet.hidden = false;
  });
});
