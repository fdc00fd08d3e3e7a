/* Shelfcast pages: small progressive enhancements. Every action also works
   without this file (the buttons submit the form and the server does the work). */
(() => {
  "use strict";

  // The page's words for what this file shows (templates/_script_text.html);
  // English when a page has none.
  const words = (() => {
    const data = document.getElementById("ui-text");
    try { return data ? JSON.parse(data.textContent) : {}; } catch (error) { return {}; }
  })();
  const say = (key, english, num) => (words[key] || english).replace("%(num)s", String(num));

  const announce = (text) => {
    const region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 30);
  };

  // --- Copy link -------------------------------------------------------------------
  const copyText = async (input) => {
    const value = input.value;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(value);
        return true;
      }
    } catch (error) { /* fall back below */ }
    input.focus();
    input.select();
    try { return document.execCommand("copy"); } catch (error) { return false; }
  };

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const input = document.getElementById(button.dataset.copy);
    if (!input) return;
    button.dataset.label = button.dataset.label || button.textContent;
    const copied = await copyText(input);
    button.dataset.copied = input.value;
    button.textContent = copied ? say("copied", "Copied ✓") : say("press_ctrl_c", "Press Ctrl+C");
    button.classList.toggle("is-copied", copied);
    announce(copied ? say("link_copied", "Link copied to the clipboard")
      : say("copy_by_hand", "Select the link and copy it"));
    window.clearTimeout(button.copyTimer);
    button.copyTimer = window.setTimeout(() => {
      button.textContent = button.dataset.label;
      button.classList.remove("is-copied");
    }, 2000);
  });

  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-link]")) event.target.select();
  });

  // --- The file list: double-click a row (as the help article says) ----------------
  document.addEventListener("dblclick", (event) => {
    const row = event.target.closest("tr[data-open]");
    if (!row || event.target.closest("input, button")) return;
    window.location.href = row.dataset.open;
  });

  // --- Dialogs and confirmations ---------------------------------------------------
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-dialog]");
    if (opener) {
      const dialog = document.getElementById(opener.dataset.dialog);
      if (dialog && typeof dialog.showModal === "function") {
        event.preventDefault();
        dialog.showModal();
      }
      return;
    }
    const closer = event.target.closest("[data-close-dialog]");
    const dialog = closer && closer.closest("dialog");
    if (dialog) {
      event.preventDefault();
      dialog.close();
    }
  });

  document.addEventListener("submit", (event) => {
    const message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // --- The product form: images added by URL, removed and reordered ---------------
  const imageList = document.querySelector("[data-images]");
  if (imageList) {
    const newImage = document.querySelector("[data-new-image]");
    const imageTemplate = document.getElementById("image-template");
    const addImage = () => {
      const url = newImage.value.trim();
      if (!url) { newImage.focus(); return; }
      const row = imageTemplate.content.firstElementChild.cloneNode(true);
      row.querySelector("input").value = url;
      row.querySelector("img").src = url;
      imageList.appendChild(row);
      newImage.value = "";
      newImage.focus();
      announce("Image " + imageList.children.length + " added");
    };
    document.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      if (button.matches("[data-add-image]")) { event.preventDefault(); addImage(); return; }
      const row = button.closest("[data-image]");
      if (!row) return;
      if (button.matches("[data-image-remove]")) {
        event.preventDefault();
        row.remove();
        announce("Image removed");
      } else if (button.matches("[data-image-move]")) {
        event.preventDefault();
        const up = button.dataset.imageMove === "up";
        const sibling = up ? row.previousElementSibling : row.nextElementSibling;
        if (!sibling) return;
        if (up) imageList.insertBefore(row, sibling); else imageList.insertBefore(sibling, row);
        button.focus();
        announce("Image moved to position " + (Array.prototype.indexOf.call(imageList.children, row) + 1));
      }
    });
    newImage.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); addImage(); }
    });
  }

  // --- Stock edited in place: Escape puts the quantity back ------------------------
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const cancel = event.target.closest("[data-stock-editor]");
    const button = cancel && cancel.querySelector("[data-cancel]");
    if (button) { event.preventDefault(); button.click(); }
  });

  // --- Unsaved changes: leaving a guarded form (links, Cancel, ×) asks first -----------
  const snapshot = (guarded) => new URLSearchParams(new FormData(guarded)).toString();
  const guarded = Array.from(document.querySelectorAll("form[data-guard]"));
  // Compared with the form as loaded once scripts have settled it (hidden rows, etc.).
  const saved = new Map();
  window.setTimeout(() => guarded.forEach((f) => saved.set(f, snapshot(f))), 0);
  let submitting = false;
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) submitting = true;
  });
  const unsaved = () => guarded.some((f) => saved.has(f) && (f.dataset.dirty === "1" || snapshot(f) !== saved.get(f)));
  document.addEventListener("input", (event) => {
    const f = event.target.closest && event.target.closest("form[data-guard]");
    if (f) f.dataset.dirty = snapshot(f) !== saved.get(f) ? "1" : "";
  });
  window.addEventListener("beforeunload", (event) => {
    if (submitting || !unsaved()) return;
    event.preventDefault();
    event.returnValue = "";
  });
  // A form re-shown with a question or errors was not saved: it counts as changed.
  guarded.forEach((f) => {
    if (f.querySelector("[data-testid='save-check'], .alert-error:not([hidden])")) f.dataset.dirty = "1";
  });

  // --- Broken product images: a neat placeholder instead of the browser's icon ------
  document.addEventListener("error", (event) => {
    const image = event.target;
    if (!(image instanceof HTMLImageElement) || image.dataset.broken) return;
    image.dataset.broken = "1";
    const placeholder = document.createElement("span");
    placeholder.className = "image-missing " + image.className;
    placeholder.setAttribute("role", "img");
    placeholder.setAttribute("aria-label", image.alt || "Image not available");
    placeholder.title = "Image not available";
    if (image.width) { placeholder.style.width = image.width + "px"; placeholder.style.height = image.height + "px"; }
    image.replaceWith(placeholder);
  }, true);

  // --- Tables wider than the screen say they scroll ---------------------------------
  const markScroll = (box) => {
    const more = box.scrollWidth - box.clientWidth;
    box.classList.toggle("scrolls-right", more > 1 && box.scrollLeft < more - 1);
    box.classList.toggle("scrolls-left", box.scrollLeft > 1);
  };
  const markAll = () => document.querySelectorAll(".table-scroll").forEach(markScroll);
  document.addEventListener("scroll", (event) => {
    if (event.target.classList && event.target.classList.contains("table-scroll")) markScroll(event.target);
  }, true);
  window.addEventListener("resize", markAll);
  document.addEventListener("htmx:afterSettle", markAll);
  markAll();

  // --- Focus goes to the first problem of a form shown back --------------------------
  const firstProblem = ["[data-testid='save-check']", "[aria-invalid='true']", ".field-error", ".alert-error:not([hidden])"]
    .map((selector) => document.querySelector(selector)).find(Boolean);
  if (firstProblem) {
    const target = firstProblem.matches("input, select, textarea, [tabindex]") ? firstProblem
      : (firstProblem.closest(".field, .column-row") || firstProblem).querySelector("input, select, textarea") || firstProblem;
    if (!target.matches("input, select, textarea, [tabindex]")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  // --- The file form ------------------------------------------------------------------
  const form = document.querySelector("[data-feed-form]");
  if (!form) return;
  const list = form.querySelector("[data-columns]");
  const template = document.getElementById("column-template");
  const fileType = form.querySelector("[data-file-type]");

  const columnsChanged = () => {
    document.body.dispatchEvent(new CustomEvent("columns-changed", { bubbles: true }));
  };

  const showFileTypeControls = () => {
    const type = fileType.value;
    form.querySelectorAll("[data-show-for]").forEach((element) => {
      element.hidden = !element.dataset.showFor.split(" ").includes(type);
    });
    form.querySelectorAll("[data-extension]").forEach((element) => {
      element.textContent = "." + type;
    });
  };

  const showSourceControl = (row) => {
    const source = row.querySelector("[data-source]").value;
    row.querySelectorAll("[data-setting]").forEach((element) => {
      element.hidden = element.dataset.setting !== source;
    });
  };

  const renumber = () => {
    list.querySelectorAll("[data-column]").forEach((row, index) => {
      const number = index + 1;
      row.querySelector("[data-column-number]").textContent = number;
      row.querySelectorAll("[data-label]").forEach((element) => {
        element.setAttribute("aria-label", element.dataset.label + " " + number);
      });
      row.querySelector("[data-move='up']").disabled = index === 0;
      row.querySelector("[data-move='down']").disabled = row.nextElementSibling === null;
    });
  };

  fileType.addEventListener("change", showFileTypeControls);

  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-source]")) {
      showSourceControl(event.target.closest("[data-column]"));
    }
  });

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.matches("[data-add-column]")) {
      event.preventDefault();
      const row = template.content.firstElementChild.cloneNode(true);
      list.appendChild(row);
      renumber();
      row.querySelector("input[name='col_header']").focus();
      announce(say("column_added", "Column %(num)s added", list.children.length));
      columnsChanged();
      return;
    }
    const row = button.closest("[data-column]");
    if (!row) return;
    if (button.matches("[data-remove]")) {
      event.preventDefault();
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      const focusTarget = next ? next.querySelector("[data-remove]") : form.querySelector("[data-add-column]");
      focusTarget.focus();
      announce(say("column_removed", "Column removed"));
      columnsChanged();
    } else if (button.matches("[data-move]")) {
      event.preventDefault();
      const up = button.dataset.move === "up";
      const sibling = up ? row.previousElementSibling : row.nextElementSibling;
      if (!sibling) return;
      if (up) list.insertBefore(row, sibling); else list.insertBefore(sibling, row);
      renumber();
      const again = row.querySelector("[data-move='" + button.dataset.move + "']");
      (again.disabled ? row.querySelector("[data-move='" + (up ? "down" : "up") + "']") : again).focus();
      const position = Array.prototype.indexOf.call(list.children, row) + 1;
      announce(say("column_moved", "Column moved to position %(num)s", position));
      columnsChanged();
    }
  });

  // A form beyond the server's field limit is stopped here, kept, and explained.
  const maxFields = Number(form.dataset.maxFields || 0);
  const tooLarge = form.querySelector("[data-testid='form-too-large']");
  const overLimit = () => maxFields > 0 && Array.from(new FormData(form).keys()).length + 1 > maxFields;
  form.addEventListener("submit", (event) => {
    if (!overLimit()) return;
    event.preventDefault();
    tooLarge.hidden = false;
    tooLarge.setAttribute("tabindex", "-1");
    tooLarge.focus();
  });
  const preview = document.getElementById("preview");
  preview.addEventListener("htmx:beforeRequest", (event) => {
    if (!overLimit()) return;
    event.preventDefault();
    preview.innerHTML = "";
    const note = document.createElement("p");
    note.className = "preview-empty";
    note.textContent = tooLarge.textContent;
    preview.appendChild(note);
  });
  preview.addEventListener("htmx:responseError", () => {
    preview.innerHTML = '<p class="preview-empty">The preview could not be updated. Your settings are kept; save to see what needs changing.</p>';
  });

  showFileTypeControls();
  list.querySelectorAll("[data-column]").forEach(showSourceControl);
  renumber();
})();
