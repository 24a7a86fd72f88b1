/* Stand-in for bootstrap-table in the GX Data Docs index (see ingestion/data_docs.py): GX's
   index passes its rows as `data` to $(table).bootstrapTable({...}); bootstrap-table is on no
   Python package index, so this draws those rows as a plain Bootstrap table, sorted as GX asks,
   with a search box, clickable rows (GX's 'click-row.bs.table' handler) and GX's rowStyle and
   rowAttributes functions. Pages' own static tables need nothing: Bootstrap styles them. */
(function ($) {
  "use strict";
  function call(name, args) {
    var fn = typeof name === "function" ? name : window[name];
    return typeof fn === "function" ? fn.apply(null, args) : {};
  }
  function draw($table, o) {
    var columns = o.columns || [], rows = (o.data || []).slice();
    var by = columns.filter(function (c) { return c.field === o.sortName; })[0];
    if (by) {
      var key = by.sortName || by.field, dir = o.sortOrder === "desc" ? -1 : 1;
      rows.sort(function (a, b) { return (a[key] > b[key] ? 1 : a[key] < b[key] ? -1 : 0) * dir; });
    }
    $table.addClass("table table-hover table-sm ge-table").empty();
    var $head = $("<tr>").appendTo($("<thead>").appendTo($table));
    columns.forEach(function (c) { $("<th>").text(c.title || "").css("text-align", c.align || "").appendTo($head); });
    var $body = $("<tbody>").appendTo($table);
    rows.forEach(function (row, i) {
      var $tr = $("<tr>").attr(call(o.rowAttributes, [row, i]) || {}).css((call(o.rowStyle, [row, i]) || {}).css || {});
      columns.forEach(function (c) { $("<td>").html(row[c.field] == null ? "" : row[c.field]).css("text-align", c.align || "").appendTo($tr); });
      $tr.on("click", function () { $table.trigger("click-row.bs.table", [row, $tr]); }).appendTo($body);
    });
    if (String(o.search) === "true") {
      var $search = $('<input type="search" class="form-control form-control-sm ge-table-search" placeholder="Search">');
      $search.on("input", function () {
        var q = this.value.toLowerCase();
        $body.children().each(function () { $(this).toggle($(this).text().toLowerCase().indexOf(q) !== -1); });
      });
      $(o.toolbar || $table).first().prepend($search.css({ display: "inline-block", width: "16rem" }));
      $table.data("ge-search", $search);
    }
  }
  $.fn.bootstrapTable = function (options) {
    return this.each(function () {
      var $table = $(this);
      if (options === "resetSearch" && $table.data("ge-search")) $table.data("ge-search").val("").trigger("input");
      else if (typeof options === "object") draw($table, options);
    });
  };
})(jQuery);
