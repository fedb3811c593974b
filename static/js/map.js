// Year slider for the map: progressive enhancement only. Without JavaScript the year links do
// the same job (each sets ?as_of=YYYY-12-31, keeping the rest of the query string; the current
// year shows today) and reload the page.
// With it, the slider fetches this same page for the chosen year and swaps in every part of it
// that depends on the date (each marked data-live: the map, the counts, the latest events, the
// date field, lists), so the page never mixes two dates; history.replaceState keeps the address
// in step, so the URL always holds what is shown.
(function () {
  "use strict";
  var section = document.getElementById("world-map");
  if (!section || !window.fetch || !window.DOMParser) return;
  var slider = section.querySelector("#map-year");
  var output = section.querySelector("#map-year-value");
  var status = section.querySelector(".map-status");
  if (!slider) return;
  var thisYear = Number(slider.max);
  var pending = null;
  var latest = 0;

  function asOfFor(year) {
    return year >= thisYear ? "" : year + "-12-31";
  }

  function pageUrl(asOf) {
    var url = new URL(window.location.href);
    if (asOf) url.searchParams.set("as_of", asOf); else url.searchParams.delete("as_of");
    url.searchParams.delete("page"); // another date lists other places: from the first page again
    url.hash = "";
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
    var url = pageUrl(asOf);
    section.setAttribute("aria-busy", "true");
    fetch(url.toString(), { headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        if (request !== latest) return; // a later year was chosen meanwhile
        var doc = new DOMParser().parseFromString(html, "text/html");
        var parts = document.querySelectorAll("[data-live]");
        if (!parts.length) throw new Error("nothing to update");
        parts.forEach(function (current) {
          var fresh = doc.querySelector('[data-live="' + current.getAttribute("data-live") + '"]');
          if (!fresh) throw new Error("the page changed shape");
          current.replaceWith(document.importNode(fresh, true));
        });
        // Links that carry the query string (year links, map regions) follow the new date.
        var freshLinks = doc.querySelectorAll(".map-years a, .map-focus a");
        document.querySelectorAll(".map-years a, .map-focus a").forEach(function (link, index) {
          if (freshLinks[index]) link.setAttribute("href", freshLinks[index].getAttribute("href"));
        });
        document.title = doc.title;
        markYear(year);
        history.replaceState(null, "", url);
        var caption = document.querySelector(".map-caption strong");
        status.textContent = "Page updated: the law on " + (caption ? caption.textContent : year) + ".";
      })
      .catch(function () {
        if (request !== latest) return;
        window.location.href = url.toString(); // fall back to the plain link for that year
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
