// Place suggestions for the search box and the place pickers: progressive enhancement only.
// Without JavaScript each of these inputs is a plain text box: the server resolves what was
// typed (a name, an alias, an ISO code or an address such as "georgia-us-state") and says on
// the form when it cannot. With it, an input marked data-suggest="<url>" becomes an ARIA 1.2
// combobox: as you type, up to eight places from the JSON endpoint appear in a list under it,
// each labelled with its parent ("Georgia (United States)"); the arrow keys move through the
// list, Enter or a click picks one (its label goes into the box) and Escape closes the list.
// With data-suggest-go, picking a place opens its page instead (the header's search box).
(function () {
  "use strict";
  if (!window.fetch || !window.URL) return;
  var counter = 0;

  function enhance(input) {
    counter += 1;
    var listId = "suggest-list-" + counter;
    var wrapper = document.createElement("div");
    wrapper.className = "suggest";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggested places");
    // The list is in the page only while it shows suggestions (an empty listbox is invalid ARIA).
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    var endpoint = input.getAttribute("data-suggest");
    var go = input.hasAttribute("data-suggest-go");
    var results = [];
    var active = -1;
    var timer = null;
    var latest = 0;

    function isOpen() {
      return list.isConnected;
    }

    function open() {
      wrapper.appendChild(list);
      input.setAttribute("aria-controls", listId);
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.remove();
      input.removeAttribute("aria-controls");
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var place = results[index];
      if (!place) return;
      if (go) {
        window.location.assign(place.url);
        return;
      }
      input.value = place.label;
      close();
    }

    function render(places) {
      results = places;
      list.textContent = "";
      places.forEach(function (place, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = place.label;
        if (place.model) {
          var model = document.createElement("span");
          model.className = "suggest-model";
          model.textContent = " · " + place.model;
          option.appendChild(model);
        }
        // mousedown, not click: it fires before the input loses focus and closes the list.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(option);
      });
      active = -1;
      if (places.length) {
        open();
        status.textContent = places.length + (places.length === 1 ? " place" : " places") + " suggested.";
      } else {
        close();
        status.textContent = "No place matches.";
      }
    }

    function fetchSuggestions(query) {
      var ticket = ++latest;
      var url = new URL(endpoint, window.location.href);
      url.searchParams.set("q", query);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (ticket === latest) render(data.results || []); })
        .catch(function () { if (ticket === latest) close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) {
        latest += 1;
        close();
        return;
      }
      timer = window.setTimeout(function () { fetchSuggestions(query); }, 150);
    });

    input.addEventListener("keydown", function (event) {
      if (!isOpen()) {
        if (event.key === "ArrowDown" && results.length) {
          open();
          highlight(0);
          event.preventDefault();
        }
        return;
      }
      if (event.key === "ArrowDown") {
        highlight(Math.min(active + 1, results.length - 1));
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        highlight(Math.max(active - 1, 0));
        event.preventDefault();
      } else if (event.key === "Enter" && active >= 0) {
        choose(active);
        event.preventDefault();
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      }
    });

    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-suggest]").forEach(enhance);
})();
