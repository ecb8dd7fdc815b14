// The readout-kg network view. Every string comes from untrusted documents: it reaches the page
// only through textContent, and only http(s) sources become links.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var COLORS = { official: "#4c72b0", meeting: "#dd8452", issue: "#55a868" };
  var SHAPES = { official: "dot", meeting: "square", issue: "triangle" };
  var meetingsById = {};
  data.meetings.forEach(function (m) { meetingsById[m.id] = m; });

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function safeUrl(url) {
    return /^https?:\/\//i.test(url || "") ? url : null;
  }

  function buildElements() {
    var nodes = [], edges = [];
    Object.keys(data.officials).forEach(function (id) {
      var o = data.officials[id];
      nodes.push({ id: id, label: o.label, group: "official", country: o.country });
    });
    Object.keys(data.issues).forEach(function (id) {
      nodes.push({ id: id, label: data.issues[id].label, group: "issue" });
    });
    data.meetings.forEach(function (m) {
      nodes.push({ id: m.id, label: m.date || m.dateText || m.kind, group: "meeting" });
      m.participants.forEach(function (p) { edges.push({ id: m.id + "|" + p, from: m.id, to: p }); });
      m.issues.forEach(function (i) { edges.push({ id: m.id + "|" + i, from: m.id, to: i, dashes: true }); });
    });
    return { nodes: nodes, edges: edges };
  }

  function groupStyles() {
    var groups = {};
    Object.keys(COLORS).forEach(function (group) {
      groups[group] = {
        shape: SHAPES[group], color: { background: COLORS[group], border: "#333" },
        size: group === "official" ? 16 : 10, font: { size: group === "official" ? 16 : 11 }
      };
    });
    return groups;
  }

  var LARGE = 1500;  // more meetings than this: open on the latest year, so the first drawing is quick

  var elements = buildElements();
  var nodes = new vis.DataSet(elements.nodes);
  var edges = new vis.DataSet(elements.edges);
  var shown = null;  // ids that pass the filters; null when no filter is set
  function isShown(id) { return shown === null || shown[id] === true; }
  // DataViews, not `hidden`: hidden nodes would still take part in the physics
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return isShown(n.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return isShown(e.from) && isShown(e.to); } });
  var view = { nodes: nodes, edges: edges, data: data, ready: false };
  window.kgView = view;
  view.shownIds = function () { return nodeView.getIds(); };

  // --- filters ---------------------------------------------------------------------------------
  var filterCountry = document.getElementById("filter-country");
  var filterIssue = document.getElementById("filter-issue");
  var filterYear = document.getElementById("filter-year");

  function fillSelect(select, items) {
    items.forEach(function (item) {
      var option = el("option", item.label);
      option.value = item.value;
      select.appendChild(option);
    });
  }
  fillSelect(filterCountry, data.countries.map(function (c) { return { value: c, label: c }; }));
  fillSelect(filterIssue, Object.keys(data.issues).sort(function (a, b) {
    return data.issues[a].label.localeCompare(data.issues[b].label);
  }).map(function (id) { return { value: id, label: data.issues[id].label }; }));
  fillSelect(filterYear, data.years.map(function (y) { return { value: y, label: y }; }));
  if (data.meetings.length > LARGE && data.years.length) {
    filterYear.value = data.years[data.years.length - 1];
  }

  function meetingPasses(m) {
    if (filterYear.value && m.year !== filterYear.value) { return false; }
    if (filterIssue.value && m.issues.indexOf(filterIssue.value) < 0) { return false; }
    if (filterCountry.value && !m.participants.some(function (p) {
      return data.officials[p] && data.officials[p].country === filterCountry.value;
    })) { return false; }
    return true;
  }

  function computeShown() {
    var passing = data.meetings.filter(meetingPasses);
    if (!(filterYear.value || filterIssue.value || filterCountry.value)) {
      shown = null;
    } else {
      shown = {};
      passing.forEach(function (m) {
        shown[m.id] = true;
        m.participants.forEach(function (p) { shown[p] = true; });
        m.issues.forEach(function (i) { shown[i] = true; });
      });
    }
    document.getElementById("counts").textContent =
      passing.length + " of " + data.meetings.length + " meetings";
  }

  computeShown();
  var network = new vis.Network(document.getElementById("network"), { nodes: nodeView, edges: edgeView }, {
    layout: { randomSeed: 7, improvedLayout: nodeView.length < 400 },
    physics: { stabilization: { iterations: 250 }, barnesHut: { springLength: 120 } },
    interaction: { hover: true, tooltipDelay: 300 },
    edges: { color: { color: "#bbb", highlight: "#333" }, smooth: false },
    groups: groupStyles()
  });
  view.network = network;
  network.on("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
  });
  network.once("afterDrawing", function () { view.ready = true; });

  function applyFilters() {
    computeShown();
    nodeView.refresh();
    edgeView.refresh();
    // let the newly shown nodes find their place, then stop again
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(150);
    drawTimeline();
    if (showingOverview) { showOverview(); }
  }
  [filterCountry, filterIssue, filterYear].forEach(function (s) { s.addEventListener("change", applyFilters); });

  // --- timeline --------------------------------------------------------------------------------
  function drawTimeline() {
    var box = document.getElementById("timeline");
    box.textContent = "";
    var counts = {};
    data.meetings.forEach(function (m) {
      if (m.year) { counts[m.year] = (counts[m.year] || 0) + 1; }
    });
    var most = Math.max.apply(null, [1].concat(Object.keys(counts).map(function (y) { return counts[y]; })));
    data.years.forEach(function (year) {
      var column = el("div", null, "year" + (filterYear.value === year ? " active" : ""));
      column.title = year + ": " + counts[year] + " meeting(s)";
      var bar = el("div", null, "bar");
      bar.style.height = Math.max(4, Math.round(44 * counts[year] / most)) + "px";
      column.appendChild(bar);
      column.appendChild(el("span", year));
      column.addEventListener("click", function () {
        filterYear.value = filterYear.value === year ? "" : year;
        applyFilters();
      });
      box.appendChild(column);
    });
    var undated = data.meetings.filter(function (m) { return !m.year; }).length;
    if (undated) { box.appendChild(el("span", undated + " without a known date", "undated")); }
  }

  // --- side panel ------------------------------------------------------------------------------
  var panel = document.getElementById("panel");

  function nodeLink(id, text) {
    var link = el("a", text, "node-link");
    link.setAttribute("role", "button");
    link.addEventListener("click", function () { select(id); });
    return link;
  }

  function section(title, items) {
    panel.appendChild(el("h3", title));
    var list = el("ul");
    items.forEach(function (item) {
      var li = el("li");
      li.appendChild(item);
      list.appendChild(li);
    });
    if (!items.length) { list.appendChild(el("li", "none recorded")); }
    panel.appendChild(list);
  }

  function quoteBlock(quote, source) {
    var box = el("div");
    box.appendChild(el("blockquote", quote));
    if (source) {
      var line = el("div", null, "source");
      var name = source.title || source.file || "source document";
      var url = safeUrl(source.source);
      if (url) {
        var a = el("a", name);
        a.href = url;
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        line.appendChild(a);
      } else {
        line.appendChild(el("span", name));
      }
      if (source.file) { line.appendChild(el("span", " (" + source.file + ")")); }
      box.appendChild(line);
    }
    return box;
  }

  var OVERVIEW_LIMIT = 300;
  var showingOverview = false;

  function byDate(a, b) {
    if (a.date && b.date) { return a.date < b.date ? -1 : (a.date > b.date ? 1 : 0); }
    return a.date ? -1 : (b.date ? 1 : 0);  // meetings without a known date last
  }

  function showOverview() {
    showingOverview = true;
    panel.textContent = "";
    panel.appendChild(el("h2", "Meetings in date order"));
    panel.appendChild(el("p", "Click a meeting, an official or an issue, here or in the network.", "hint"));
    var passing = data.meetings.filter(meetingPasses).sort(byDate);
    section("Meetings", meetingList(passing.slice(0, OVERVIEW_LIMIT)));
    if (passing.length > OVERVIEW_LIMIT) {
      panel.appendChild(el("p", "and " + (passing.length - OVERVIEW_LIMIT) + " more: narrow the filters", "hint"));
    }
  }

  function showMeeting(m) {
    showingOverview = false;
    panel.textContent = "";
    panel.appendChild(el("h2", m.label));
    var facts = m.kind + ", " + (m.status === "Planned" ? "planned" : "held") +
      (m.date ? ", " + m.date : (m.dateText ? ", \u201c" + m.dateText + "\u201d (date unknown)" : "")) +
      (m.place ? ", " + m.place : "");
    panel.appendChild(el("p", facts, "facts"));
    section("Participants", m.participants.map(function (p) {
      var o = data.officials[p] || { label: p, title: "", country: "" };
      var span = el("span");
      span.appendChild(nodeLink(p, o.label));
      var extra = [o.title, o.country].filter(Boolean).join(", ");
      if (extra) { span.appendChild(el("span", " \u2014 " + extra)); }
      return span;
    }));
    section("Issues", m.issues.map(function (i) {
      return nodeLink(i, (data.issues[i] || { label: i }).label);
    }));
    section("Reaffirmations", m.reaffirmations.map(function (r) {
      var box = el("div");
      box.appendChild(el("strong", r.label + (r.stance ? " (" + r.stance + ")" : "")));
      r.quotes.forEach(function (q) { box.appendChild(el("blockquote", q)); });
      return box;
    }));
    section("Evidence", m.evidence.map(function (e) {
      var box = el("div", null, "evidence");
      box.appendChild(el("em", e.about));
      box.appendChild(quoteBlock(e.quote, e));
      return box;
    }));
  }

  function meetingList(meetings) {
    return meetings.map(function (m) {
      return nodeLink(m.id, (m.date || "date unknown") + " \u2014 " + m.label);
    });
  }

  function showOfficial(id) {
    var o = data.officials[id];
    panel.textContent = "";
    panel.appendChild(el("h2", o.label));
    panel.appendChild(el("p", [o.title, o.country].filter(Boolean).join(", "), "facts"));
    showingOverview = false;
    section("Meetings", meetingList(data.meetings.filter(function (m) {
      return m.participants.indexOf(id) >= 0;
    }).sort(byDate)));
  }

  function showIssue(id) {
    panel.textContent = "";
    panel.appendChild(el("h2", data.issues[id].label));
    showingOverview = false;
    section("Meetings that discussed it", meetingList(data.meetings.filter(function (m) {
      return m.issues.indexOf(id) >= 0;
    }).sort(byDate)));
  }

  function show(id) {
    if (meetingsById[id]) { showMeeting(meetingsById[id]); }
    else if (data.officials[id]) { showOfficial(id); }
    else if (data.issues[id]) { showIssue(id); }
  }

  function select(id) {
    if (!nodes.get(id)) { return; }
    if (!isShown(id)) { filterCountry.value = filterIssue.value = filterYear.value = ""; applyFilters(); }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    show(id);
  }

  network.on("click", function (params) {
    if (params.nodes.length) { show(params.nodes[0]); }
  });

  // --- search ----------------------------------------------------------------------------------
  var names = document.getElementById("search-names");
  nodes.get().forEach(function (n) {
    var option = el("option");
    option.value = n.group === "meeting" ? meetingsById[n.id].label : n.label;
    names.appendChild(option);
  });

  function searchLabel(n) {
    return (n.group === "meeting" ? meetingsById[n.id].label : n.label).toLowerCase();
  }

  function search(text) {
    var wanted = String(text || "").trim().toLowerCase();
    if (!wanted) { return null; }
    var all = nodes.get();
    var hit = all.filter(function (n) { return searchLabel(n) === wanted; })[0] ||
      all.filter(function (n) { return n.group === "official" && searchLabel(n).indexOf(wanted) >= 0; })[0] ||
      all.filter(function (n) { return searchLabel(n).indexOf(wanted) >= 0; })[0];
    if (hit) { select(hit.id); } else { panel.textContent = ""; panel.appendChild(el("p", "Nothing matches \u201c" + text + "\u201d.", "hint")); }
    return hit ? hit.id : null;
  }
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search(document.getElementById("search").value);
  });

  view.search = search;
  view.select = select;
  drawTimeline();
  showOverview();
})();
