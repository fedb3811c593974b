// Year slider for the world map: progressive enhancement only. Without JavaScript the year
// links do the same job (each sets ?as_of=YYYY-12-31; the current year shows today).
// With it, the slider fetches the map for the chosen year from /map/?as_of=... (an HTML
// fragment with the SVG, legend and list), swaps it in, and keeps the page's URL in step
// with history.replaceState, so the address always holds what is shown.
(function () {
  "use strict";
  var section = document.getElementById("world-map");
  if (!section || !window.fetch || !window.DOMParser) return;
  var slider = section.querySelector("#map-year");
  var output = section.querySelector("#map-year-value");
  var status = section.querySelector(".map-status");
  var fragmentUrl = section.getAttribute("data-fragment-url");
  var thisYear = Number(slider.max);
  var pending = null;
  var latest = 0;

  function asOfFor(year) {
    return year >= thisYear ? "" : year + "-12-31";
  }

  function pageUrl(asOf) {
    var url = new URL(window.location.href);
    if (asOf) url.searchParams.set("as_of", asOf); else url.searchParams.delete("as_of");
    return url;
  }

  function markYear(year) {
    section.querySelectorAll(".map-years a").forEach(function (link) {
      if (Number(link.getAttribute("data-year")) === year) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
  }

  function show(year) {
    var asOf = asOfFor(year);
    var request = ++latest;
    var url = fragmentUrl + (asOf ? "?as_of=" + asOf : "");
    section.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        if (request !== latest) return; // a later year was chosen meanwhile
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector(".map-live");
        var current = section.querySelector(".map-live");
        if (!fresh || !current) throw new Error("no map in the response");
        current.replaceWith(document.importNode(fresh, true));
        markYear(year);
        history.replaceState(null, "", pageUrl(asOf));
        var caption = section.querySelector(".map-caption strong");
        status.textContent = "Map updated: " + (caption ? caption.textContent : year) + ".";
      })
      .catch(function () {
        if (request !== latest) return;
        // Fall back to the plain link for that year.
        window.location.href = pageUrl(asOf).toString();
      })
      .finally(function () {
        if (request === latest) section.removeAttribute("aria-busy");
      });
  }

  slider.addEventListener("input", function () {
    var year = Number(slider.value);
    output.textContent = String(year);
    clearTimeout(pending);
    pending = setTimeout(function () { show(year); }, 250);
  });

  section.querySelector(".map-slider").hidden = false;
})();
