/* Shelfcast pages: small progressive enhancements. Every action also works
   without this file (the buttons submit the form and the server does the work). */
(() => {
  "use strict";

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
    button.textContent = copied ? "Copied ✓" : "Press Ctrl+C";
    button.classList.toggle("is-copied", copied);
    announce(copied ? "Link copied to the clipboard" : "Select the link and copy it");
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
      announce("Column " + list.children.length + " added");
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
      announce("Column removed");
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
      announce("Column moved to position " + (Array.prototype.indexOf.call(list.children, row) + 1));
      columnsChanged();
    }
  });

  showFileTypeControls();
  list.querySelectorAll("[data-column]").forEach(showSourceControl);
  renumber();
})();
