// Sortable, filterable tables (the accounts index, `<table data-sortable>`): tablesort sorts on a
// click on a header, and Material draws its sort arrows (its table styles need a table without a
// class); the filter box hides the rows that do not contain what is typed. Runs on every page shown.
document$.subscribe(function () {
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
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
    var outer = table.closest(".md-typeset__scrollwrap") || table;  // above Material's scrolling wrapper
    outer.parentNode.insertBefore(filter, outer);
  });
});
