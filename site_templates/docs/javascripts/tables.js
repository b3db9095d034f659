// Sortable, filterable tables (the accounts index): tablesort sorts on a click on a header; the
// filter box hides the rows that do not contain what is typed. Runs on every page Material shows.
document$.subscribe(function () {
  document.querySelectorAll("table.playbook-sortable").forEach(function (table) {
    if (table.dataset.ready) return;
    table.dataset.ready = "1";
    new Tablesort(table);
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "playbook-filter";
    filter.placeholder = table.dataset.filter || "";
    filter.setAttribute("aria-label", table.dataset.filter || "filter");
    filter.addEventListener("input", function () {
      var wanted = filter.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        row.hidden = wanted !== "" && row.textContent.toLowerCase().indexOf(wanted) < 0;
      });
    });
    table.parentNode.insertBefore(filter, table);
  });
});
