/* Autosave for the portfolio editors (form[data-portfolio-autosave]). Plain JavaScript.
 *
 * About a second after the last change the form is posted in the background (same URL,
 * X-Requested-With, JSON back: {saved, at, errors, summary} or {saved: false, message}).
 * Nothing typed is ever lost:
 *   - the text is never replaced by what the server sends back;
 *   - a failed save (network down, server error, signed out 401, expired page 403) says
 *     "Not saved — your text is still here; we will try again." and retries, sooner when
 *     the browser is back online;
 *   - a refused save (400: a field error; 409: the portfolio was submitted meanwhile) says
 *     why and does not retry;
 *   - leaving the page with unsaved text asks first.
 * Without JavaScript the Save buttons post the form as usual.
 */
(function () {
  "use strict";

  var DELAY_MS = 1000;
  var RETRY_MS = [5000, 10000, 20000, 40000, 60000];

  function setup(form) {
    var status = form.querySelector("[data-autosave-status]");
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var timer = null;
    var inFlight = false;
    var again = false;
    var failures = 0;
    var stopped = false;
    // Bumped on every change: a save only clears "unsaved" if nothing changed while it ran.
    var version = 0;
    var savedVersion = 0;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function dirty() {
      return version !== savedVersion;
    }

    function clearErrors() {
      form.querySelectorAll("[data-autosave-error]").forEach(function (box) {
        box.remove();
      });
      form.querySelectorAll(".is-invalid").forEach(function (field) {
        field.classList.remove("is-invalid");
        field.removeAttribute("aria-invalid");
      });
    }

    function showErrors(errors) {
      Object.keys(errors).forEach(function (name) {
        var fields = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
        var box = document.createElement("div");
        box.className = "invalid-feedback d-block";
        box.setAttribute("data-autosave-error", "");
        box.textContent = errors[name].join(" ");
        if (!fields.length) {
          box.className = "alert alert-danger";
          form.insertBefore(box, form.firstChild);
          return;
        }
        fields.forEach(function (field) {
          field.classList.add("is-invalid");
          field.setAttribute("aria-invalid", "true");
        });
        var first = fields[0];
        (first.closest('[id^="div_"]') || first.parentNode).appendChild(box);
      });
    }

    function applySummary(summary) {
      if (!summary) {
        return;
      }
      document.querySelectorAll("[data-summary]").forEach(function (element) {
        var value = summary[element.dataset.summary];
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
    }

    function retryLater(extra) {
      var wait = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
      failures += 1;
      say("Not saved — your text is still here; we will try again." + (extra ? " " + extra : ""));
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(save, wait);
    }

    function save() {
      timer = null;
      if (stopped || !dirty()) {
        return;
      }
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      var sending = version;
      var headers = { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" };
      if (token) {
        headers["X-CSRFToken"] = token.value;
      }
      say("Saving…");
      fetch(form.getAttribute("action") || window.location.pathname, {
        method: "POST",
        body: new FormData(form),
        headers: headers,
        credentials: "same-origin"
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return null;
            })
            .then(function (body) {
              return { status: response.status, body: body };
            });
        })
        .then(function (result) {
          var body = result.body;
          if (result.status === 401 || result.status === 403) {
            retryLater(
              "You may have been signed out: sign in again in another tab, or copy your text somewhere safe."
            );
            return;
          }
          if (!body) {
            retryLater("");
            return;
          }
          if (body.saved) {
            failures = 0;
            savedVersion = sending;
            clearErrors();
            applySummary(body.summary);
            say(dirty() ? "Saving…" : "Saved at " + body.at);
            return;
          }
          if (result.status === 409) {
            // Submitted in another tab: saving can never succeed now. The text stays.
            stopped = true;
            say(body.message + " Your text is still on this page; copy it if you need it.");
            return;
          }
          if (body.errors) {
            clearErrors();
            showErrors(body.errors);
            say("Not saved: check the answers marked in red. Your text is still here.");
            return;
          }
          retryLater(body.message || "");
        })
        .catch(function () {
          retryLater("");
        })
        .finally(function () {
          inFlight = false;
          if (again) {
            again = false;
            save();
          }
        });
    }

    function changed() {
      version += 1;
      if (stopped) {
        return;
      }
      failures = 0;
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(save, DELAY_MS);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      // An ordinary Save takes over: nothing pending, and no warning on leaving.
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      stopped = true;
      savedVersion = version;
    });
    window.addEventListener("online", function () {
      if (dirty() && !inFlight) {
        save();
      }
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    say("Your writing is saved automatically as you go.");
  }

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  ready(function () {
    document.querySelectorAll("form[data-portfolio-autosave]").forEach(setup);
  });
})();
