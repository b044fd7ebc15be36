/* Progressive enhancement for the application pages. Plain JavaScript, no library.
 *
 * form[data-autosave]   Saves the section in the background about 800 ms after the last
 *                       change: posts the form to its own URL asking for JSON, shows
 *                       "Saved at 14:02" in the status region, puts any errors next to their
 *                       fields and refreshes the parts of the page marked data-summary
 *                       (hours counted, fee, what is missing, the progress list).
 * form[data-submit-once] Disables its button once pressed, so a double click sends once.
 * button[data-print]    Shown only with JavaScript; prints the page.
 *
 * Without JavaScript every page works by ordinary form posts: nothing here is required.
 */
(function () {
  "use strict";

  var DELAY_MS = 800;

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function lookup(object, path) {
    return path.split(".").reduce(function (value, key) {
      return value === undefined || value === null ? undefined : value[key];
    }, object);
  }

  function applySummary(summary) {
    if (!summary) {
      return;
    }
    document.querySelectorAll("[data-summary]").forEach(function (element) {
      var value = lookup(summary, element.dataset.summary);
      if (value === undefined) {
        return;
      }
      if (Array.isArray(value)) {
        var items = value.length ? value : [element.dataset.emptyText || ""];
        element.replaceChildren.apply(
          element,
          items.map(function (text) {
            var item = document.createElement("li");
            item.textContent = text;
            return item;
          })
        );
      } else {
        element.textContent = value;
      }
    });
    Object.keys(summary.sections || {}).forEach(function (section) {
      var complete = summary.sections[section];
      document.querySelectorAll('[data-section-status="' + section + '"]').forEach(function (badge) {
        badge.textContent = complete ? "Complete" : "To do";
        badge.className = "badge " + (complete ? "text-bg-success" : "text-bg-light border");
      });
    });
  }

  function setupAutosave(form) {
    var status = form.querySelector('[role="status"]');
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var timer = null;
    var inFlight = false;
    var again = false;
    // Errors are shown only for answers the person has worked on (or that already showed an
    // error), so a row being filled in is not covered in red before it is finished.
    var touched = new Set();
    form.querySelectorAll(".is-invalid[name]").forEach(function (field) {
      touched.add(field.name);
    });

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function request(keepalive) {
      var headers = { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" };
      if (token) {
        headers["X-CSRFToken"] = token.value;
      }
      return fetch(form.getAttribute("action") || window.location.pathname, {
        method: "POST",
        body: new FormData(form),
        headers: headers,
        credentials: "same-origin",
        keepalive: keepalive
      });
    }

    function clearErrors() {
      form.querySelectorAll("[data-autosave-error], .invalid-feedback").forEach(function (box) {
        box.remove();
      });
      form.querySelectorAll(".is-invalid").forEach(function (field) {
        field.classList.remove("is-invalid");
        field.removeAttribute("aria-invalid");
        var described = (field.getAttribute("aria-describedby") || "")
          .split(/\s+/)
          .filter(function (id) {
            return id && !/-autosave-error$/.test(id) && document.getElementById(id);
          });
        if (described.length) {
          field.setAttribute("aria-describedby", described.join(" "));
        } else {
          field.removeAttribute("aria-describedby");
        }
      });
    }

    function hasValue(fields) {
      return Array.prototype.some.call(fields, function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          return field.checked;
        }
        return field.value !== "";
      });
    }

    function showError(name, messages) {
      var fields = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      if (!fields.length) {
        return showGeneral(messages);
      }
      if (!touched.has(name) && !hasValue(fields)) {
        return false;
      }
      var first = fields[0];
      var box = document.createElement("div");
      box.className = "invalid-feedback d-block";
      box.setAttribute("data-autosave-error", "");
      box.id = (first.id || name) + "-autosave-error";
      box.textContent = messages.join(" ");
      fields.forEach(function (field) {
        field.classList.add("is-invalid");
        field.setAttribute("aria-invalid", "true");
        var described = field.getAttribute("aria-describedby");
        field.setAttribute("aria-describedby", (described ? described + " " : "") + box.id);
      });
      var wrapper = first.closest('[id^="div_"]') || first.parentNode;
      wrapper.appendChild(box);
      return true;
    }

    function showGeneral(messages) {
      var box = document.createElement("div");
      box.className = "alert alert-danger";
      box.setAttribute("data-autosave-error", "");
      box.textContent = messages.join(" ");
      form.insertBefore(box, form.firstChild);
      return true;
    }

    function show(result) {
      clearErrors();
      if (result.saved) {
        var summary = document.getElementById("error-summary");
        if (summary) {
          summary.hidden = true;
        }
        form.querySelectorAll('input[type="file"]').forEach(function (input) {
          input.value = "";
        });
        applySummary(result.summary);
        say("Saved at " + result.at);
        return;
      }
      if (!result.errors) {
        say(result.message || "Not saved. Press Save draft to try again.");
        return;
      }
      var shown = 0;
      Object.keys(result.errors).forEach(function (name) {
        var messages = result.errors[name];
        if (name === "__all__" ? showGeneral(messages) : showError(name, messages)) {
          shown += 1;
        }
      });
      say(
        shown
          ? "Not saved: check the answers marked in red."
          : "Not saved yet: finish the answers you are filling in and they will be saved."
      );
    }

    function save() {
      timer = null;
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      request(false)
        .then(function (response) {
          return response.json().catch(function () {
            return {
              saved: false,
              message:
                response.status === 403
                  ? "Not saved: this page has expired. Press Save draft to save your answers."
                  : "Not saved: something went wrong. Press Save draft to save your answers."
            };
          });
        })
        .then(show)
        .catch(function () {
          say("Not saved: the connection failed. Your answers are still here; press Save draft.");
        })
        .finally(function () {
          inFlight = false;
          if (again) {
            again = false;
            save();
          }
        });
    }

    function schedule(event) {
      if (event.target && event.target.name) {
        touched.add(event.target.name);
      }
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(save, DELAY_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function () {
      // An ordinary save, or "Add another job", takes over from the pending autosave.
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
    });
    window.addEventListener("pagehide", function () {
      // Leaving within the delay: send what is pending. A chosen file is left for the
      // Save buttons, as a page that is closing cannot upload it.
      if (timer) {
        clearTimeout(timer);
        timer = null;
        var files = Array.prototype.some.call(
          form.querySelectorAll('input[type="file"]'),
          function (input) {
            return input.files && input.files.length;
          }
        );
        if (!files) {
          request(true).catch(function () {});
        }
      }
    });
    say("Your answers are saved automatically as you go.");
  }

  function setupSubmitOnce(form) {
    var sent = false;
    form.addEventListener("submit", function (event) {
      if (sent) {
        event.preventDefault();
        return;
      }
      sent = true;
      var button = event.submitter || form.querySelector('[type="submit"]');
      if (button) {
        button.dataset.label = button.textContent;
        // Disabled after the browser has read the form, so the button's name is still sent.
        setTimeout(function () {
          button.disabled = true;
          button.textContent = "Submitting…";
        }, 0);
      }
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        // Back from the next page: the button works again.
        sent = false;
        form.querySelectorAll('[type="submit"]').forEach(function (button) {
          button.disabled = false;
          if (button.dataset.label) {
            button.textContent = button.dataset.label;
          }
        });
      }
    });
  }

  ready(function () {
    document.querySelectorAll("form[data-autosave]").forEach(setupAutosave);
    document.querySelectorAll("form[data-submit-once]").forEach(setupSubmitOnce);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
    var summary = document.getElementById("error-summary") || document.getElementById("refused");
    if (summary) {
      summary.focus();
    }
  });
})();
