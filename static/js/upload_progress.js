/* Progressive enhancement for the evidence upload form. Plain JavaScript, no library.
 *
 * form[data-upload-progress]  Checks the chosen file's size against the limits in the
 *   form's data attributes (data-max-file-bytes, data-space-left-bytes) and, when it is too
 *   large, shows the message at the file field without uploading. Otherwise it sends the form
 *   with XMLHttpRequest and shows a <progress> bar with the percentage (aria-live). When the
 *   server answers with a redirect (success) the browser follows it; when it answers with the
 *   page again (an error) that page replaces this one, so the errors show at their fields.
 *
 * Without JavaScript the form posts normally and works the same way, without the bar.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function showFileError(form, message) {
    var input = form.querySelector('input[type="file"]');
    var feedback = form.querySelector("[data-upload-error]");
    if (!feedback) {
      feedback = document.createElement("div");
      feedback.className = "invalid-feedback d-block";
      feedback.id = "upload-error";
      feedback.setAttribute("data-upload-error", "");
      feedback.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", feedback);
    }
    feedback.textContent = message;
    input.classList.add("is-invalid");
    input.setAttribute("aria-describedby", "upload-error");
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }

  function clearFileError(form) {
    var input = form.querySelector('input[type="file"]');
    var feedback = form.querySelector("[data-upload-error]");
    if (feedback) {
      feedback.remove();
    }
    input.classList.remove("is-invalid");
    input.removeAttribute("aria-invalid");
  }

  function tooLarge(form, file) {
    var maxFile = Number(form.dataset.maxFileBytes);
    var spaceLeft = Number(form.dataset.spaceLeftBytes);
    var sizeMb = (file.size / 1048576).toFixed(1) + " MB";
    if (file.size === 0) {
      return "This file is empty. Choose the file again and re-upload it.";
    }
    if (maxFile && file.size > maxFile) {
      return "This file is " + sizeMb + "; upload one of " + form.dataset.maxFileLabel +
        " or less, or split it into parts.";
    }
    if (file.size > spaceLeft) {
      return "This file is " + sizeMb + ", but the portfolio has only " +
        form.dataset.spaceLeftLabel + " of space left. Remove evidence you no longer need, " +
        "or upload a smaller file.";
    }
    return "";
  }

  function replacePage(html) {
    document.open();
    document.write(html);
    document.close();
  }

  function enhance(form) {
    var status = form.querySelector("[data-upload-status]");
    var bar = status.querySelector("progress");
    var text = status.querySelector("[data-upload-text]");
    var button = form.querySelector('button[type="submit"]');

    form.addEventListener("submit", function (event) {
      var input = form.querySelector('input[type="file"]');
      var file = input.files && input.files[0];
      if (!file || !window.FormData) {
        return; // let the server say what is missing
      }
      event.preventDefault();
      clearFileError(form);
      var problem = tooLarge(form, file);
      if (problem) {
        showFileError(form, problem);
        return;
      }
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          var percent = Math.floor((progress.loaded / progress.total) * 100);
          bar.value = percent;
          text.textContent = percent + "% uploaded";
        }
      });
      request.upload.addEventListener("load", function () {
        bar.value = 100;
        text.textContent = "Uploaded; checking the file…";
      });
      request.addEventListener("load", function () {
        // After success the request has already followed the redirect: its page carries the
        // one-time "now in your library" message, so show that page rather than loading the
        // address again (which would lose the message). After an error it is the form with
        // the errors at their fields.
        if (request.responseURL && request.responseURL !== form.action) {
          window.history.replaceState(null, "", request.responseURL);
        }
        replacePage(request.responseText);
      });
      request.addEventListener("error", function () {
        status.hidden = true;
        button.disabled = false;
        showFileError(form, "The upload stopped before it finished: the file may be too " +
          "large, or the connection was lost. Check the file and try again.");
      });
      status.hidden = false;
      bar.value = 0;
      text.textContent = "0% uploaded";
      button.disabled = true;
      // FormData keeps the form's order: the text fields go before the file.
      request.send(new FormData(form));
    });
  }

  ready(function () {
    document.querySelectorAll("form[data-upload-progress]").forEach(enhance);
  });
})();
