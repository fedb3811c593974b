// The admin's export form: "Select all" ticks or clears every field box. Replaces the inline
// onchange handler of django-import-export's template, which the Content-Security-Policy blocks.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var toggle = document.querySelector(".select-toggle");
  if (toggle && typeof onSelectToggleChange === "function") {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
