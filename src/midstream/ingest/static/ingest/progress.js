/* Live progress of a submission being processed (issue 3).
 *
 * The detail page renders <article id="progress" data-url="…/progress/" data-final="false">
 * while the submission is open. Every second this asks the progress URL for
 * {status, stage, lines_processed, lines_total, counts, final}, moves the <progress> bar,
 * shows the stage and "N of M lines", and reloads the page once the result is final, so the
 * issues and versions are shown as committed. No library, no network beyond the app itself.
 */
(function () {
  "use strict";

  var box = document.getElementById("progress");
  if (!box || box.getAttribute("data-final") === "true") {
    return;
  }
  var url = box.getAttribute("data-url");
  var bar = box.querySelector("progress");
  var status = box.querySelector("[data-status]");
  var stage = box.querySelector("[data-stage]");
  var lines = box.querySelector("[data-lines]");
  var badge = document.getElementById("status");
  var reloading = false;

  function number(value) {
    return Number(value || 0).toLocaleString("en-US");
  }

  function show(data) {
    [status, badge].forEach(function (element) {
      if (element) {
        element.textContent = data.status_label || data.status;
      }
    });
    if (stage) {
      stage.textContent = data.stage_label || data.stage;
    }
    if (bar) {
      if (data.lines_total) {
        bar.max = data.lines_total;
        bar.value = Math.min(data.lines_processed || 0, data.lines_total);
      } else {
        bar.removeAttribute("value"); // indeterminate until the total is known
      }
    }
    if (lines) {
      lines.textContent = data.lines_total
        ? number(data.lines_processed) + " of " + number(data.lines_total) + " lines"
        : number(data.lines_processed) + " lines";
    }
    var counts = data.counts || {};
    Object.keys(counts).forEach(function (key) {
      var cell = box.querySelector('[data-count="' + key + '"]');
      if (cell) {
        cell.textContent = counts[key];
      }
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.final) {
          if (!reloading) {
            reloading = true;
            window.location.reload();
          }
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000); // the server is busy or restarting: ask less often
      });
  }

  window.setTimeout(poll, 1000);
})();
